// chat_service reactions (contract §8): validation, who may react, events, JSON shape.
#include <boost/json/serialize.hpp>

#include "chat/json.hpp"
#include "fixture.hpp"

using namespace chatgate;
using test_support::chat_fixture;

namespace {

const std::string missing_id = "0123456789abcdef01234567";
constexpr auto add = store::reaction_action::add;
constexpr auto remove = store::reaction_action::remove;

struct reactions : chat_fixture {
  void SetUp() override {
    conv = group("alice", {"bob"});
    msg = send("alice", conv.id);
    events.log.clear();
  }
  boost::json::value payload(std::string_view emoji) {
    return boost::json::object{{"messageId", msg.id}, {"emoji", emoji}};
  }
  std::size_t stored_count() { return db.get_message(msg.id).value()->reactions.size(); }

  store::conversation conv;
  store::message msg;
};

TEST_F(reactions, add_and_remove_report_each_change_once) {
  auto r = chat.react("bob", payload("👍"), add);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->reactions.size(), 1u);
  EXPECT_EQ(r->reactions[0].user_ids, std::vector<std::string>{"bob"});
  ASSERT_TRUE(chat.react("bob", payload("👍"), add));      // a repeat: no event
  ASSERT_TRUE(chat.react("alice", payload("👍"), remove));  // not held: no event
  auto gone = chat.react("bob", msg.id, "👍", remove);
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->reactions.empty());
  EXPECT_EQ(events.log, (std::vector<std::string>{"reacted:" + msg.id + ":bob:👍",
                                                  "unreacted:" + msg.id + ":bob:👍"}));
}

TEST_F(reactions, rest_body_form) {
  auto r = chat.add_reaction("bob", msg.id, j(R"({"emoji":"🎉","extra":1})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reactions.at(0).emoji, "🎉");
  EXPECT_CODE(chat.add_reaction("bob", msg.id, j(R"({"emoji":5})")), validation_error);
  EXPECT_CODE(chat.add_reaction("bob", msg.id, j(R"({})")), validation_error);
  EXPECT_CODE(chat.add_reaction("bob", msg.id, j(R"([])")), validation_error);
}

TEST_F(reactions, bad_emoji_or_id_is_a_validation_error_naming_the_field_and_stores_nothing) {
  for (const char* bad : {"", " ", "a b", "aaaaaaaaaaaaaaaaa", "👍\n"}) {
    auto r = chat.react("bob", payload(bad), add);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, core::error_code::validation_error);
    ASSERT_EQ(r.error().details.size(), 1u);
    EXPECT_EQ(r.error().details[0].field, "emoji");
  }
  auto bad_id = chat.react("bob", j(R"({"messageId":"zz","emoji":"👍"})"), add);
  ASSERT_FALSE(bad_id);
  EXPECT_EQ(bad_id.error().details.at(0).field, "messageId");
  EXPECT_CODE(chat.react("bob", "zz", "👍", add), validation_error);
  EXPECT_EQ(stored_count(), 0u);
  EXPECT_TRUE(events.log.empty());
}

TEST_F(reactions, outsiders_missing_and_deleted_messages_are_not_found) {
  EXPECT_CODE(chat.react("mallory", payload("👍"), add), not_found);
  EXPECT_CODE(chat.react("mallory", msg.id, "👍", remove), not_found);
  EXPECT_CODE(chat.react("bob", missing_id, "👍", add), not_found);
  ASSERT_TRUE(chat.delete_message("alice", msg.id));
  events.log.clear();
  EXPECT_CODE(chat.react("bob", payload("👍"), add), not_found);
  EXPECT_EQ(stored_count(), 0u);
  EXPECT_TRUE(events.log.empty());
}

TEST_F(reactions, twenty_distinct_emoji_and_not_one_more) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(chat.react("bob", msg.id, "e" + std::to_string(i), add));
  events.log.clear();
  auto past = chat.react("bob", msg.id, "e20", add);
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, core::error_code::validation_error);
  EXPECT_EQ(past.error().details.at(0).field, "emoji");
  EXPECT_EQ(stored_count(), 20u);
  EXPECT_TRUE(events.log.empty());
  EXPECT_TRUE(chat.react("alice", msg.id, "e3", add));  // joining one that is there still works
}

TEST_F(reactions, store_failure_is_internal_and_reports_nothing) {
  db.fail_next = true;
  EXPECT_CODE(chat.react("bob", payload("👍"), add), internal_error);
  EXPECT_TRUE(events.log.empty());
}

TEST_F(reactions, json_has_reactions_with_counts_in_order_and_none_once_deleted) {
  chat.react("bob", msg.id, "👍", add);
  chat.react("alice", msg.id, "🎉", add);
  auto m = chat.react("alice", msg.id, "👍", add).value();
  auto o = chat::to_json(m).as_object();
  EXPECT_EQ(boost::json::serialize(o.at("reactions")),
            R"([{"emoji":"👍","count":2,"userIds":["bob","alice"]},)"
            R"({"emoji":"🎉","count":1,"userIds":["alice"]}])");
  auto fresh = chat::to_json(send("bob", conv.id)).as_object();
  EXPECT_TRUE(fresh.at("reactions").as_array().empty());
  auto deleted = chat.delete_message("alice", msg.id).value();
  EXPECT_TRUE(chat::to_json(deleted).as_object().at("reactions").as_array().empty());
}

TEST_F(reactions, sync_and_pages_carry_them) {
  chat.react("bob", msg.id, "👍", add);
  auto synced = chat.sync("bob", conv.id, chat::sync_request{}).value();
  ASSERT_EQ(synced.messages.size(), 1u);
  EXPECT_EQ(synced.messages[0].reactions.size(), 1u);
  auto page = chat.list_messages("bob", conv.id, {}).value();
  EXPECT_EQ(page.items.at(0).reactions.size(), 1u);
}

}  // namespace
