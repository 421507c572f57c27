#include "fixture.hpp"

using namespace chatgate;
using test_support::chat_fixture;

namespace {

const std::string missing_id = "0123456789abcdef01234567";

TEST_F(chat_fixture, direct_conversation_is_created_once_per_pair) {
  auto first =
      chat.create_conversation("alice", j(R"({"type":"direct","participantIds":["bob"]})"));
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->conversation.participants.size(), 2u);
  auto again = chat.create_conversation(
      "bob", j(R"({"type":"direct","participantIds":["alice","bob"],"name":"ignored"})"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->conversation.id, first->conversation.id);
  EXPECT_EQ(events.log, std::vector<std::string>{"conversation:" + first->conversation.id});
}

TEST_F(chat_fixture, direct_conversation_needs_exactly_one_other_user) {
  for (auto body : {R"({"type":"direct","participantIds":["alice"]})",
                    R"({"type":"direct","participantIds":[]})",
                    R"({"type":"direct","participantIds":["bob","carol"]})"}) {
    auto r = chat.create_conversation("alice", j(body));
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().details.at(0).field, "participantIds") << body;
  }
}

TEST_F(chat_fixture, create_validates_types) {
  EXPECT_CODE(chat.create_conversation("alice", j(R"({"type":"room","participantIds":["b"]})")),
              validation_error);
  EXPECT_CODE(chat.create_conversation("alice", j(R"({"type":"group","participantIds":"b"})")),
              validation_error);
  EXPECT_CODE(chat.create_conversation("alice", j(R"({"participantIds":["b"]})")),
              validation_error);
  EXPECT_CODE(chat.create_conversation("alice", j(R"([])")), validation_error);
  EXPECT_CODE(chat.create_conversation("alice", j(R"({"type":"group","participantIds":[1]})")),
              validation_error);
}

TEST_F(chat_fixture, group_creator_is_admin_and_duplicates_collapse) {
  auto c = chat.create_conversation(
      "alice",
      j(R"({"type":"group","participantIds":["bob","bob","alice"],"metadata":{"k":1},"x":1})"));
  ASSERT_TRUE(c);
  const auto& ps = c->conversation.participants;
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].user_id, "alice");
  EXPECT_EQ(ps[0].role, store::participant_role::admin);
  EXPECT_EQ(ps[1].role, store::participant_role::member);
  EXPECT_EQ(c->conversation.metadata.at("k").as_int64(), 1);
}

TEST_F(chat_fixture, group_size_at_limit_and_one_past) {
  EXPECT_TRUE(chat.create_conversation(
      "alice", j(R"({"type":"group","participantIds":["b","c","d"]})")));  // 4 with alice
  auto r = chat.create_conversation("alice",
                                    j(R"({"type":"group","participantIds":["b","c","d","e"]})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.at(0).field, "participantIds");
}

TEST_F(chat_fixture, group_name_at_100_and_one_past) {
  boost::json::object body{{"type", "group"}, {"participantIds", boost::json::array{"b"}}};
  body["name"] = std::string(100, 'n');
  EXPECT_TRUE(chat.create_conversation("alice", body));
  body["name"] = std::string(101, 'n');
  EXPECT_CODE(chat.create_conversation("alice", body), validation_error);
}

TEST_F(chat_fixture, reads_of_foreign_or_missing_conversations_are_not_found) {
  auto c = group("alice", {"bob"});
  EXPECT_TRUE(chat.get_conversation("bob", c.id));
  EXPECT_CODE(chat.get_conversation("mallory", c.id), not_found);
  EXPECT_CODE(chat.get_conversation("alice", missing_id), not_found);
  EXPECT_CODE(chat.get_conversation("alice", "nope"), validation_error);
}

TEST_F(chat_fixture, update_is_for_admins) {
  auto c = group("alice", {"bob"});
  EXPECT_CODE(chat.update_conversation("bob", c.id, j(R"({"name":"x"})")), forbidden);
  EXPECT_CODE(chat.update_conversation("mallory", c.id, j(R"({"name":"x"})")), not_found);
  EXPECT_CODE(chat.update_conversation("alice", c.id, j(R"({"name":5})")), validation_error);
  auto r = chat.update_conversation("alice", c.id, j(R"({"name":"new","metadata":{"a":true}})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "new");
  EXPECT_TRUE(r->metadata.at("a").as_bool());
}

TEST_F(chat_fixture, admin_adds_participants_up_to_the_group_limit) {
  auto c = group("alice", {"bob", "carol"});
  EXPECT_CODE(chat.add_participant("bob", c.id, j(R"({"userId":"dave"})")), forbidden);
  events.log.clear();
  auto r = chat.add_participant("alice", c.id, j(R"({"userId":"dave","role":"admin"})"));
  ASSERT_TRUE(r);  // 4 = the limit
  EXPECT_EQ(r->participants.back().role, store::participant_role::admin);
  EXPECT_EQ(events.log, std::vector<std::string>{"added:" + c.id + ":dave"});
  auto full = chat.add_participant("alice", c.id, j(R"({"userId":"erin"})"));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().details.at(0).field, "userId");
  // Adding someone already there changes nothing and reports nothing.
  EXPECT_TRUE(chat.add_participant("alice", c.id, j(R"({"userId":"bob"})")));
  EXPECT_EQ(events.log.size(), 1u);
  EXPECT_CODE(chat.add_participant("alice", c.id, j(R"({"userId":"x","role":"owner"})")),
              validation_error);
}

TEST_F(chat_fixture, direct_conversations_keep_their_two_participants) {
  auto d = chat.create_conversation("alice", j(R"({"type":"direct","participantIds":["bob"]})"))
               .value()
               .conversation;
  EXPECT_CODE(chat.add_participant("alice", d.id, j(R"({"userId":"carol"})")), forbidden);
  EXPECT_CODE(chat.remove_participant("alice", d.id, "bob"), forbidden);
  EXPECT_CODE(chat.leave("alice", d.id), forbidden);
}

TEST_F(chat_fixture, remove_and_leave) {
  auto c = group("alice", {"bob", "carol"});
  EXPECT_CODE(chat.remove_participant("bob", c.id, "carol"), forbidden);
  EXPECT_CODE(chat.remove_participant("alice", c.id, "zed"), not_found);
  events.log.clear();
  auto r = chat.remove_participant("alice", c.id, "carol");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->participants.size(), 2u);
  ASSERT_TRUE(chat.leave("bob", c.id));
  EXPECT_EQ(events.log,
            (std::vector<std::string>{"removed:" + c.id + ":carol", "removed:" + c.id + ":bob"}));
  EXPECT_CODE(chat.get_conversation("bob", c.id), not_found);
  EXPECT_CODE(chat.leave("bob", c.id), not_found);
  EXPECT_TRUE(chat.remove_participant("alice", c.id, "alice"));  // removing oneself = leaving
}

TEST_F(chat_fixture, check_participant_is_forbidden_whether_or_not_it_exists) {
  auto c = group("alice", {"bob"});
  EXPECT_TRUE(chat.check_participant("bob", c.id));
  EXPECT_CODE(chat.check_participant("mallory", c.id), forbidden);
  EXPECT_CODE(chat.check_participant("mallory", missing_id), forbidden);
  EXPECT_CODE(chat.check_participant("alice", "xyz"), validation_error);
  EXPECT_EQ(chat.conversation_ids_for_user("bob").value(), std::vector<std::string>{c.id});
}

TEST_F(chat_fixture, listing_pages_by_latest_activity) {
  auto a = group("alice", {"bob"});
  clock.advance(std::chrono::seconds(1));
  auto b = group("alice", {"carol"});
  clock.advance(std::chrono::seconds(1));
  auto c = group("alice", {"dave"});
  clock.advance(std::chrono::seconds(1));
  send("alice", a.id);  // a becomes the most recent
  auto first = chat.list_conversations("alice", 2, std::nullopt).value();
  ASSERT_EQ(first.items.size(), 2u);
  EXPECT_EQ(first.items[0].id, a.id);
  EXPECT_EQ(first.items[1].id, c.id);
  ASSERT_TRUE(first.next_cursor);
  auto second = chat.list_conversations("alice", 2, first.next_cursor).value();
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, b.id);
  EXPECT_FALSE(second.next_cursor);
  EXPECT_CODE(chat.list_conversations("alice", 101, std::nullopt), validation_error);
  EXPECT_TRUE(chat.list_conversations("alice", 100, std::nullopt));
  EXPECT_CODE(chat.list_conversations("alice", 0, std::nullopt), validation_error);
  EXPECT_CODE(chat.list_conversations("alice", 2, std::string("garbage")), validation_error);
}

TEST_F(chat_fixture, store_failures_come_back_as_internal_errors) {
  db.fail_next = true;
  EXPECT_CODE(chat.create_conversation("alice", j(R"({"type":"group","participantIds":[]})")),
              internal_error);
  EXPECT_TRUE(events.log.empty());
}

}  // namespace
