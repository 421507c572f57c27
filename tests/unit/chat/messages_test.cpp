#include "chat/json.hpp"
#include "fixture.hpp"

using namespace chatgate;
using test_support::chat_fixture;

namespace {

const std::string missing_id = "0123456789abcdef01234567";

TEST_F(chat_fixture, send_stores_with_seq_and_reports) {
  auto c = group("alice", {"bob"});
  events.log.clear();
  auto r = chat.send_message(
      "bob", c.id,
      j(R"({"content":"hi","attachments":[{"externalFileId":"f-1","label":"a.png"}],"metadata":{"x":1},"conversationId":"ignored","extra":true})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->seq, 1);
  EXPECT_EQ(r->sender_id, "bob");
  ASSERT_EQ(r->attachments.size(), 1u);
  EXPECT_EQ(r->attachments[0].label, "a.png");
  EXPECT_EQ(send("alice", c.id).seq, 2);
  EXPECT_EQ(events.log.size(), 2u);
  EXPECT_EQ(events.log[0], "created:" + r->id);
}

TEST_F(chat_fixture, send_outside_the_conversation_is_forbidden) {
  auto c = group("alice", {"bob"});
  EXPECT_CODE(chat.send_message("mallory", c.id, j(R"({"content":"x"})")), forbidden);
  EXPECT_CODE(chat.send_message("mallory", missing_id, j(R"({"content":"x"})")), forbidden);
  EXPECT_CODE(chat.send_message("alice", "bad", j(R"({"content":"x"})")), validation_error);
  EXPECT_TRUE(events.log.size() == 1u);  // only the conversation
}

TEST_F(chat_fixture, send_validates_before_checking_membership) {
  auto c = group("alice", {"bob"});
  EXPECT_CODE(chat.send_message("alice", c.id, j(R"({"content":"  "})")), validation_error);
  EXPECT_CODE(chat.send_message("alice", c.id, j(R"({"content":"x","replyTo":"zz"})")),
              validation_error);
}

TEST_F(chat_fixture, reply_must_be_in_the_same_conversation) {
  auto c = group("alice", {"bob"});
  auto other = group("alice", {"carol"});
  auto parent = send("alice", c.id);
  auto elsewhere = send("alice", other.id);
  boost::json::object body{{"content", "re"}, {"replyTo", parent.id}};
  auto ok = chat.send_message("bob", c.id, body);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->reply_to, parent.id);
  body["replyTo"] = elsewhere.id;
  auto bad = chat.send_message("bob", c.id, body);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().details.at(0).field, "replyTo");
  body["replyTo"] = missing_id;
  EXPECT_CODE(chat.send_message("bob", c.id, body), validation_error);
}

TEST_F(chat_fixture, rate_limit_stops_sends_without_storing) {
  auto c = group("alice", {"bob"});
  // Invalid sends cost nothing.
  for (int i = 0; i < 10; ++i) (void)chat.send_message("alice", c.id, j(R"({"content":""})"));
  for (int i = 0; i < 5; ++i) send("alice", c.id);
  auto r = chat.send_message("alice", c.id, j(R"({"content":"one too many"})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::error_code::rate_limited);
  EXPECT_GT(r.error().retry_after_ms, 0);
  EXPECT_EQ(chat.sync("alice", c.id, {}).value().messages.size(), 5u);
  send("bob", c.id);  // another user is not affected
  clock.advance(std::chrono::seconds(10));
  EXPECT_TRUE(chat.send_message("alice", c.id, j(R"({"content":"later"})")));
}

TEST_F(chat_fixture, get_message_needs_membership) {
  auto c = group("alice", {"bob"});
  auto m = send("alice", c.id);
  EXPECT_TRUE(chat.get_message("bob", m.id));
  EXPECT_CODE(chat.get_message("mallory", m.id), not_found);
  EXPECT_CODE(chat.get_message("bob", missing_id), not_found);
  EXPECT_CODE(chat.get_message("bob", "x"), validation_error);
}

TEST_F(chat_fixture, only_the_sender_edits) {
  auto c = group("alice", {"bob"});
  auto m = send("bob", c.id);
  EXPECT_CODE(chat.edit_message("alice", m.id, j(R"({"content":"no"})")), forbidden);
  EXPECT_CODE(chat.edit_message("mallory", m.id, j(R"({"content":"no"})")), not_found);
  EXPECT_CODE(chat.edit_message("bob", m.id, j(R"({"content":""})")), validation_error);
  events.log.clear();
  auto e = chat.edit_message("bob", m.id, j(R"({"content":"fixed"})"));
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->is_edited);
  EXPECT_EQ(e->content, "fixed");
  EXPECT_EQ(events.log, std::vector<std::string>{"updated:" + m.id});
}

TEST_F(chat_fixture, sender_or_group_admin_deletes) {
  auto c = group("alice", {"bob", "carol"});
  auto by_bob = send("bob", c.id);
  auto by_carol = send("carol", c.id);
  EXPECT_CODE(chat.delete_message("carol", by_bob.id), forbidden);
  auto own = chat.delete_message("bob", by_bob.id);
  ASSERT_TRUE(own);
  EXPECT_TRUE(own->is_deleted);
  EXPECT_TRUE(own->content.empty());
  EXPECT_TRUE(chat.delete_message("alice", by_carol.id));         // admin
  EXPECT_CODE(chat.delete_message("bob", by_bob.id), not_found);  // already deleted
  EXPECT_CODE(chat.edit_message("bob", by_bob.id, j(R"({"content":"x"})")), not_found);
}

TEST_F(chat_fixture, direct_conversations_have_no_admin_for_deletes) {
  auto d = chat.create_conversation("alice", j(R"({"type":"direct","participantIds":["bob"]})"))
               .value()
               .conversation;
  auto m = send("bob", d.id);
  EXPECT_CODE(chat.delete_message("alice", m.id), forbidden);
}

TEST_F(chat_fixture, list_messages_pages_newest_first_or_after_oldest_first) {
  auto c = group("alice", {"bob"});
  std::vector<store::message> sent;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(send(i % 2 ? "alice" : "bob", c.id));
    clock.advance(std::chrono::seconds(3));  // keep clear of the rate limit
  }
  auto newest = chat.list_messages("bob", c.id, {std::nullopt, std::nullopt, 2}).value();
  ASSERT_EQ(newest.items.size(), 2u);
  EXPECT_EQ(newest.items[0].seq, 5);
  EXPECT_EQ(newest.next_cursor, newest.items[1].id);
  auto older = chat.list_messages("bob", c.id, {newest.next_cursor, std::nullopt, 10}).value();
  ASSERT_EQ(older.items.size(), 3u);
  EXPECT_EQ(older.items[0].seq, 3);
  EXPECT_FALSE(older.next_cursor);
  auto after = chat.list_messages("bob", c.id, {std::nullopt, sent[1].id, 2}).value();
  ASSERT_EQ(after.items.size(), 2u);
  EXPECT_EQ(after.items[0].seq, 3);
  EXPECT_EQ(after.items[1].seq, 4);
  EXPECT_EQ(after.next_cursor, after.items[1].id);
  EXPECT_EQ(chat.list_messages("bob", c.id, {}).value().items.size(), 5u);
}

TEST_F(chat_fixture, list_messages_checks_its_parameters) {
  auto c = group("alice", {"bob"});
  auto other = group("alice", {"carol"});
  auto foreign = send("alice", other.id);
  EXPECT_TRUE(chat.list_messages("bob", c.id, {std::nullopt, std::nullopt, 100}));
  EXPECT_CODE(chat.list_messages("bob", c.id, {std::nullopt, std::nullopt, 101}), validation_error);
  EXPECT_CODE(chat.list_messages("bob", c.id, {std::nullopt, std::nullopt, 0}), validation_error);
  EXPECT_CODE(chat.list_messages("bob", c.id, {std::string("x"), std::nullopt, {}}),
              validation_error);
  EXPECT_CODE(chat.list_messages("bob", c.id, {foreign.id, std::nullopt, {}}), validation_error);
  EXPECT_CODE(chat.list_messages("bob", c.id, {foreign.id, foreign.id, {}}), validation_error);
  EXPECT_CODE(chat.list_messages("mallory", c.id, {}), not_found);
}

TEST_F(chat_fixture, sync_returns_everything_after_a_point_in_seq_order) {
  auto c = group("alice", {"bob"});
  std::vector<store::message> sent;
  for (int i = 0; i < 5; ++i) sent.push_back(send("bob", c.id, "m" + std::to_string(i)));
  ASSERT_TRUE(chat.edit_message("bob", sent[3].id, j(R"({"content":"edited"})")));
  ASSERT_TRUE(chat.delete_message("bob", sent[4].id));

  auto all = chat.sync("alice", c.id, {}).value();
  ASSERT_EQ(all.messages.size(), 5u);
  EXPECT_FALSE(all.has_more);
  EXPECT_EQ(all.messages[0].seq, 1);
  EXPECT_EQ(all.messages[3].content, "edited");
  EXPECT_TRUE(all.messages[4].is_deleted);

  auto by_seq = chat.sync("alice", c.id, {std::nullopt, 3, std::nullopt}).value();
  ASSERT_EQ(by_seq.messages.size(), 2u);
  EXPECT_EQ(by_seq.messages[0].seq, 4);
  // lastMessageId wins over lastSeq.
  auto by_id = chat.sync("alice", c.id, {sent[0].id, 3, 2}).value();
  ASSERT_EQ(by_id.messages.size(), 2u);
  EXPECT_EQ(by_id.messages[0].seq, 2);
  EXPECT_TRUE(by_id.has_more);
}

TEST_F(chat_fixture, sync_from_payload_and_its_limits) {
  auto c = group("alice", {"bob"});
  send("bob", c.id);
  boost::json::object p{{"conversationId", c.id}, {"lastSeq", 0}, {"limit", 1000}};
  EXPECT_EQ(chat.sync("alice", p).value().messages.size(), 1u);
  p["limit"] = 1001;
  EXPECT_CODE(chat.sync("alice", p), validation_error);
  p["limit"] = 0;
  EXPECT_CODE(chat.sync("alice", p), validation_error);
  p.erase("limit");
  p["lastSeq"] = -1;
  EXPECT_CODE(chat.sync("alice", p), validation_error);
  p["lastSeq"] = "3";
  EXPECT_CODE(chat.sync("alice", p), validation_error);
  p.erase("lastSeq");
  EXPECT_CODE(chat.sync("mallory", p), forbidden);
  p["conversationId"] = missing_id;
  EXPECT_CODE(chat.sync("mallory", p), forbidden);
  EXPECT_CODE(chat.sync("alice", j(R"({})")), validation_error);
  EXPECT_CODE(chat.sync("alice", c.id, {std::nullopt, std::nullopt, 1001}), validation_error);
  EXPECT_TRUE(chat.sync("alice", c.id, {std::nullopt, std::nullopt, 1000}));
}

TEST(chat_read_id, reads_and_names_the_field) {
  EXPECT_EQ(chat::chat_service::read_id(
                boost::json::parse(R"({"messageId":"0123456789abcdef01234567"})"), "messageId")
                .value(),
            "0123456789abcdef01234567");
  auto r = chat::chat_service::read_id(boost::json::parse(R"({"messageId":5})"), "messageId");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.at(0).field, "messageId");
}

TEST_F(chat_fixture, json_shapes_follow_the_contract) {
  auto c = group("alice", {"bob"});
  auto m = send("bob", c.id);
  auto mj = chat::to_json(m).as_object();
  EXPECT_EQ(mj.at("id").as_string(), m.id);
  EXPECT_EQ(mj.at("seq").as_int64(), 1);
  EXPECT_TRUE(mj.at("replyTo").is_null());
  EXPECT_TRUE(mj.at("deletedAt").is_null());
  EXPECT_EQ(mj.at("createdAt").as_string(), core::to_iso8601(clock.now()));
  EXPECT_EQ(mj.size(), 14u);  // contract §4 + reactions (§8)
  EXPECT_TRUE(mj.at("reactions").as_array().empty());
  auto deleted = chat.delete_message("bob", m.id).value();
  auto dj = chat::to_json(deleted).as_object();
  EXPECT_TRUE(dj.at("isDeleted").as_bool());
  EXPECT_TRUE(dj.at("deletedAt").is_string());

  auto cj = chat::to_json(chat.get_conversation("alice", c.id).value()).as_object();
  EXPECT_EQ(cj.at("type").as_string(), "group");
  EXPECT_EQ(cj.at("participants").as_array().at(0).at("role").as_string(), "admin");
  EXPECT_TRUE(cj.at("lastMessage").is_object());
  EXPECT_TRUE(cj.at("lastMessageAt").is_string());
  EXPECT_EQ(cj.size(), 10u);
  auto fresh = chat::to_json(group("alice", {"carol"})).as_object();
  EXPECT_TRUE(fresh.at("lastMessage").is_null());
  EXPECT_TRUE(fresh.at("lastMessageAt").is_null());
}

}  // namespace
