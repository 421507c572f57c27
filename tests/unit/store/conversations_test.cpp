// Both stores (backend_fixture): conversations, participants, listing, direct pairs.
#include <thread>

#include "backend_fixture.hpp"

namespace chatgate::store::testing {
namespace {

using conversations = backend_fixture;

TEST_P(conversations, create_and_get_round_trip) {
  auto c = group("alice", {"bob", "carol"}, at(100));
  c.metadata = {{"topic", "ops"}, {"n", 3}};
  auto created = store_->create_conversation(c);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(core::is_object_id(created->id));
  auto got = store_->get_conversation(created->id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->type, conversation_type::group);
  EXPECT_EQ(got->name, "group of alice");
  EXPECT_EQ(got->created_by, "alice");
  EXPECT_EQ(got->metadata, c.metadata);
  ASSERT_EQ(got->participants.size(), 3u);
  EXPECT_EQ(got->participants[0].user_id, "alice");
  EXPECT_EQ(got->participants[0].role, participant_role::admin);
  EXPECT_EQ(got->participants[2].user_id, "carol");
  EXPECT_EQ(got->participants[2].joined_at, at(100));
  EXPECT_FALSE(got->last_message);
  EXPECT_FALSE(got->last_message_at);
  EXPECT_EQ(got->created_at, at(100));
}

TEST_P(conversations, unknown_id_is_nullopt) {
  auto got = store_->get_conversation(core::make_object_id());
  ASSERT_TRUE(got);
  EXPECT_FALSE(*got);
}

TEST_P(conversations, direct_is_idempotent_whichever_side_asks) {
  auto first = store_->create_direct_conversation(direct("alice", "bob", at(1))).value();
  EXPECT_TRUE(first.second);
  auto again = store_->create_direct_conversation(direct("bob", "alice", at(2))).value();
  EXPECT_FALSE(again.second);
  EXPECT_EQ(again.first.id, first.first.id);
  EXPECT_EQ(again.first.created_at, at(1));
  auto other = store_->create_direct_conversation(direct("alice", "carol", at(3))).value();
  EXPECT_TRUE(other.second);
  EXPECT_NE(other.first.id, first.first.id);
  // The plain create path refuses a second conversation of the same pair.
  auto dup = store_->create_conversation(direct("bob", "alice", at(4)));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, core::error_code::validation_error);
}

TEST_P(conversations, direct_racing_threads_yield_one_conversation) {
  constexpr int threads = 8;
  std::vector<std::string> ids(threads);
  std::vector<int> created(threads);
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&, i] {
      auto r = i % 2 ? direct("dave", "erin", at(i)) : direct("erin", "dave", at(i));
      auto got = store_->create_direct_conversation(r).value();
      ids[i] = got.first.id;
      created[i] = got.second ? 1 : 0;
    });
  for (auto& t : pool) t.join();
  EXPECT_EQ(std::count(created.begin(), created.end(), 1), 1);
  for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(store_->conversation_ids_for_user("dave").value().size(), 1u);
}

TEST_P(conversations, racing_through_two_connections_yield_one_conversation) {
  auto second = open();  // another connection to the same file, as another process would be
  std::pair<conversation, bool> a, b;
  std::thread t1([&] { a = store_->create_direct_conversation(direct("x", "y", at(1))).value(); });
  std::thread t2([&] { b = second->create_direct_conversation(direct("y", "x", at(1))).value(); });
  t1.join();
  t2.join();
  EXPECT_EQ(a.first.id, b.first.id);
  EXPECT_NE(a.second, b.second);
}

TEST_P(conversations, participants_find_add_remove) {
  auto c = store_->create_conversation(group("alice", {"bob"}, at(10))).value();
  auto bob = store_->find_participant(c.id, "bob").value();
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->role, participant_role::member);
  EXPECT_FALSE(store_->find_participant(c.id, "zed").value());
  EXPECT_FALSE(store_->find_participant(core::make_object_id(), "bob").value());

  EXPECT_TRUE(
      store_->add_participant(c.id, {"zed", participant_role::admin, at(20)}, at(20)).value());
  EXPECT_FALSE(
      store_->add_participant(c.id, {"zed", participant_role::member, at(21)}, at(21)).value());
  auto zed = store_->find_participant(c.id, "zed").value();
  ASSERT_TRUE(zed);
  EXPECT_EQ(zed->role, participant_role::admin);  // the second add changed nothing
  EXPECT_EQ(store_->get_conversation(c.id).value()->updated_at, at(20));

  EXPECT_TRUE(store_->remove_participant(c.id, "bob", at(30)).value());
  EXPECT_FALSE(store_->remove_participant(c.id, "bob", at(31)).value());
  auto after = store_->get_conversation(c.id).value();
  EXPECT_EQ(after->updated_at, at(30));
  ASSERT_EQ(after->participants.size(), 2u);
  EXPECT_EQ(after->participants[0].user_id, "alice");
  EXPECT_EQ(after->participants[1].user_id, "zed");
  EXPECT_TRUE(store_->conversation_ids_for_user("bob").value().empty());

  auto missing = store_->add_participant(core::make_object_id(), {"q"}, at(1));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, core::error_code::not_found);
}

TEST_P(conversations, update_name_and_metadata_separately) {
  auto c = store_->create_conversation(group("alice", {}, at(1))).value();
  auto renamed = store_->update_conversation(c.id, "Ops", std::nullopt, at(2)).value();
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "Ops");
  EXPECT_TRUE(renamed->metadata.empty());
  EXPECT_EQ(renamed->updated_at, at(2));
  boost::json::object meta{{"color", "red"}};
  auto tagged = store_->update_conversation(c.id, std::nullopt, meta, at(3)).value();
  EXPECT_EQ(tagged->name, "Ops");
  EXPECT_EQ(tagged->metadata, meta);
  EXPECT_FALSE(
      store_->update_conversation(core::make_object_id(), "x", std::nullopt, at(4)).value());
}

TEST_P(conversations, list_latest_activity_first_with_cursor) {
  // c1 oldest but gets the newest message; c2, c3 created later without messages.
  auto c1 = store_->create_conversation(group("u", {}, at(100))).value();
  auto c2 = store_->create_conversation(group("u", {}, at(200))).value();
  auto c3 = store_->create_conversation(group("u", {}, at(300))).value();
  auto other = store_->create_conversation(group("someone", {}, at(400))).value();
  ASSERT_TRUE(store_->insert_message(text(c1.id, "u", "hi", at(350))));

  auto page1 = store_->list_conversations("u", 2, std::nullopt).value();
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].id, c1.id);
  ASSERT_TRUE(page1[0].last_message);
  EXPECT_EQ(page1[0].last_message->content, "hi");
  EXPECT_EQ(page1[1].id, c3.id);
  conversation_cursor cursor{page1[1].created_at, page1[1].id};
  auto page2 = store_->list_conversations("u", 2, cursor).value();
  ASSERT_EQ(page2.size(), 1u);
  EXPECT_EQ(page2[0].id, c2.id);
  EXPECT_TRUE(store_->list_conversations("u", 2, conversation_cursor{c2.created_at, c2.id})
                  .value()
                  .empty());
  EXPECT_TRUE(store_->list_conversations("u", 0, std::nullopt).value().empty());
  EXPECT_EQ(store_->list_conversations("someone", 10, std::nullopt).value().at(0).id, other.id);
}

TEST_P(conversations, list_ties_on_activity_break_by_id_descending) {
  std::vector<std::string> ids;
  ids.reserve(5);
  for (int i = 0; i < 5; ++i)
    ids.push_back(store_->create_conversation(group("t", {}, at(500))).value().id);
  std::sort(ids.rbegin(), ids.rend());
  std::vector<std::string> seen;
  seen.reserve(ids.size());
  std::optional<conversation_cursor> cursor;
  for (;;) {
    auto page = store_->list_conversations("t", 2, cursor).value();
    if (page.empty()) break;
    for (auto& c : page) seen.push_back(c.id);
    cursor = conversation_cursor{at(500), page.back().id};
  }
  EXPECT_EQ(seen, ids);
}

TEST_P(conversations, ping_answers) {
  EXPECT_TRUE(store_->ping());
}

CHATGATE_STORE_BACKENDS(conversations);

}  // namespace
}  // namespace chatgate::store::testing
