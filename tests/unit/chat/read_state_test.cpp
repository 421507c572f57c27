// chat_service read state (contract §8): validation, participants only, the event, and the
// read state on the conversation objects a user gets.
#include "chat/json.hpp"
#include "fixture.hpp"

using namespace chatgate;
using test_support::chat_fixture;

namespace {

const std::string missing_id = "0123456789abcdef01234567";

TEST_F(chat_fixture, mark_read_answers_the_state_and_reports_it) {
  auto c = group("alice", {"bob"});
  send("alice", c.id);
  send("alice", c.id);
  events.log.clear();
  auto r = chat.mark_read("bob", c.id, j(R"({"seq":1,"extra":true})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->last_read_seq, 1);
  EXPECT_EQ(r->unread_count, 1);
  EXPECT_EQ(chat::to_json(*r), j(R"({"conversationId":")" + c.id +
                                 R"(","userId":"bob","lastReadSeq":1,"unreadCount":1})"));
  ASSERT_EQ(events.log.size(), 1u);
  EXPECT_EQ(events.log[0], "read:" + c.id + ":bob:1:1");
  // A lower seq is accepted (and reported) but leaves lastReadSeq; past the last seq is capped.
  EXPECT_EQ(chat.mark_read("bob", c.id, j(R"({"seq":0})"))->last_read_seq, 1);
  EXPECT_EQ(chat.mark_read("bob", c.id, j(R"({"seq":3})"))->last_read_seq, 2);
  EXPECT_EQ(chat.mark_read("bob", c.id, j(R"({"seq":9007199254740991})"))->unread_count, 0);
  EXPECT_EQ(events.log.size(), 4u);
}

TEST_F(chat_fixture, mark_read_validates_seq) {
  auto c = group("alice", {"bob"});
  send("alice", c.id);
  events.log.clear();
  for (const char* bad : {R"({"seq":-1})", R"({"seq":1.5})", R"({"seq":"3"})", R"({})",
                          R"({"seq":null})", R"({"seq":true})"}) {
    auto r = chat.mark_read("bob", c.id, j(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, core::error_code::validation_error) << bad;
    ASSERT_FALSE(r.error().details.empty()) << bad;
    EXPECT_EQ(r.error().details[0].field, "seq") << bad;
  }
  // Validated before membership: an outsider with a bad seq learns nothing more.
  EXPECT_CODE(chat.mark_read("mallory", c.id, j(R"({"seq":-1})")), validation_error);
  EXPECT_CODE(chat.mark_read("bob", "bad", j(R"({"seq":1})")), validation_error);
  EXPECT_TRUE(events.log.empty());
  EXPECT_EQ(chat.get_conversation("bob", c.id)->participants[1].last_read_seq, 0);
}

TEST_F(chat_fixture, mark_read_by_an_outsider_is_forbidden) {
  auto c = group("alice", {"bob"});
  events.log.clear();
  EXPECT_CODE(chat.mark_read("mallory", c.id, j(R"({"seq":1})")), forbidden);
  EXPECT_CODE(chat.mark_read("mallory", missing_id, j(R"({"seq":1})")), forbidden);
  EXPECT_TRUE(events.log.empty());
}

TEST_F(chat_fixture, mark_read_socket_payload_names_every_bad_field) {
  auto c = group("alice", {"bob"});
  auto r = chat.mark_read("bob", j(R"({"conversationId":"x","seq":-1})"));
  ASSERT_FALSE(r);
  ASSERT_EQ(r.error().details.size(), 2u);
  EXPECT_EQ(r.error().details[0].field, "conversationId");
  EXPECT_EQ(r.error().details[1].field, "seq");
  boost::json::object ok{{"conversationId", c.id}, {"seq", 0}};
  EXPECT_TRUE(chat.mark_read("bob", ok));
}

TEST_F(chat_fixture, conversation_objects_carry_the_viewers_read_state) {
  auto c = group("alice", {"bob"});
  send("alice", c.id);
  auto m = send("alice", c.id);
  send("bob", c.id);
  auto got = chat.get_conversation("bob", c.id).value();
  auto as_bob = chat::to_json(got, "bob").as_object();
  EXPECT_EQ(as_bob["lastReadSeq"], 0);
  EXPECT_EQ(as_bob["unreadCount"], 2);
  auto as_alice = chat::to_json(got, "alice").as_object();
  EXPECT_EQ(as_alice["unreadCount"], 1);
  EXPECT_EQ(chat::to_json(got, "mallory").as_object()["unreadCount"], 0);
  // Edits change nothing; deleting an unread message takes it out.
  ASSERT_TRUE(chat.edit_message("alice", m.id, j(R"({"content":"edited"})")));
  EXPECT_EQ(chat.list_conversations("bob", 10, std::nullopt)->items[0].participants[1].unread_count,
            2);
  ASSERT_TRUE(chat.delete_message("alice", m.id));
  EXPECT_EQ(chat.list_conversations("bob", 10, std::nullopt)->items[0].participants[1].unread_count,
            1);
}

TEST_F(chat_fixture, mark_read_store_failure_is_internal_and_silent) {
  auto c = group("alice", {"bob"});
  events.log.clear();
  db.fail_next = true;
  EXPECT_CODE(chat.mark_read("bob", c.id, j(R"({"seq":1})")), internal_error);
  EXPECT_TRUE(events.log.empty());
}

}  // namespace
