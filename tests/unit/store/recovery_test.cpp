// Both stores (backend_fixture): the connection state recovery log and sessions (recovery_log).
#include "backend_fixture.hpp"

namespace chatgate::store::testing {
namespace {

class recovery : public backend_fixture {
 protected:
  void SetUp() override {
    backend_fixture::SetUp();
    if (IsSkipped()) return;
    conv_ = store_->create_conversation(group("alice", {"bob"}, at(1))).value().id;
    other_ = store_->create_conversation(group("alice", {"carol"}, at(1))).value().id;
  }

  /// Stores a message and logs its message:new as chat_service does; returns the offset.
  std::int64_t send(const std::string& conv, const std::string& content, int second) {
    auto m = store_->insert_message(text(conv, "alice", content, at(second))).value();
    return store_->append_recovery_event(conv, "message:new", m.id, "", at(second)).value();
  }

  void open_session(const std::string& pid, const std::string& user, const std::string& owner,
                    int second) {
    ASSERT_TRUE(store_->open_recovery_session({pid, "sock-" + pid, user, owner}, at(second)));
  }

  std::optional<recovered_state> find(const std::string& pid, const std::string& user,
                                      std::optional<std::int64_t> offset, int second,
                                      std::size_t max = 1000) {
    return store_->find_recovery_session({pid, user, offset, at(second), max}).value();
  }

  static std::vector<std::string> contents(const recovered_state& r) {
    std::vector<std::string> out;
    for (const auto& e : r.events) out.push_back(e.subject.content);
    return out;
  }

  std::string conv_, other_;
};

TEST_P(recovery, offsets_grow_across_conversations) {
  const auto a = send(conv_, "a", 10);
  const auto b = send(other_, "b", 11);
  const auto c = send(conv_, "c", 12);
  EXPECT_GT(a, 0);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TEST_P(recovery, a_live_session_replays_the_users_events_after_the_offset_in_order) {
  open_session("p1", "bob", "o1", 5);
  const auto first = send(conv_, "one", 10);
  send(other_, "not bob's", 11);
  send(conv_, "two", 12);
  send(conv_, "three", 13);
  auto r = find("p1", "bob", first, 14);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->socket_id, "sock-p1");
  EXPECT_EQ(contents(*r), (std::vector<std::string>{"two", "three"}));
  EXPECT_EQ(r->events[0].name, "message:new");
  EXPECT_LT(r->events[0].offset, r->events[1].offset);
  EXPECT_EQ(r->conversation_ids, std::vector<std::string>{conv_});
}

TEST_P(recovery, without_an_offset_the_events_since_the_session_opened) {
  send(conv_, "before", 4);
  open_session("p1", "bob", "o1", 5);
  send(conv_, "after", 10);
  auto r = find("p1", "bob", std::nullopt, 11);
  ASSERT_TRUE(r);
  EXPECT_EQ(contents(*r), std::vector<std::string>{"after"});
}

TEST_P(recovery, edits_and_deletes_are_replayed_with_the_message_as_stored_now) {
  open_session("p1", "bob", "o1", 5);
  const auto first = send(conv_, "one", 10);
  auto m = store_->list_messages(conv_, {}).value().front();
  ASSERT_TRUE(store_->edit_message(m.id, "edited", at(11)).value());
  ASSERT_TRUE(store_->append_recovery_event(conv_, "message:updated", m.id, "", at(11)));
  ASSERT_TRUE(store_->delete_message(m.id, at(12)).value());
  ASSERT_TRUE(store_->append_recovery_event(conv_, "message:deleted", m.id, R"({"x":1})", at(12)));
  auto r = find("p1", "bob", first, 13);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->events.size(), 2u);
  EXPECT_EQ(r->events[0].name, "message:updated");
  EXPECT_EQ(r->events[1].name, "message:deleted");
  EXPECT_EQ(r->events[1].extra, R"({"x":1})");
  EXPECT_TRUE(r->events[1].subject.is_deleted);
}

TEST_P(recovery, another_users_or_an_unknown_pid_finds_nothing) {
  open_session("p1", "bob", "o1", 5);
  EXPECT_FALSE(find("p1", "carol", std::nullopt, 6));
  EXPECT_FALSE(find("nope", "bob", std::nullopt, 6));
}

TEST_P(recovery, a_closed_session_lasts_until_its_expiry_only) {
  open_session("p1", "bob", "o1", 5);
  ASSERT_TRUE(store_->close_recovery_session("p1", "o1", at(20)));
  EXPECT_TRUE(find("p1", "bob", std::nullopt, 19));
  EXPECT_FALSE(find("p1", "bob", std::nullopt, 20));  // at the expiry: gone
}

TEST_P(recovery, a_close_by_a_former_owner_does_not_expire_the_new_holder) {
  open_session("p1", "bob", "o1", 5);
  open_session("p1", "bob", "o2", 6);  // recovered elsewhere: a new socket holds it
  ASSERT_TRUE(store_->close_recovery_session("p1", "o1", at(7)));
  EXPECT_TRUE(find("p1", "bob", std::nullopt, 100));  // still live
  ASSERT_TRUE(store_->close_recovery_session("p1", "o2", at(8)));
  EXPECT_FALSE(find("p1", "bob", std::nullopt, 9));
}

TEST_P(recovery, replay_stops_at_conversations_the_user_left) {
  open_session("p1", "bob", "o1", 5);
  const auto first = send(conv_, "one", 10);
  send(conv_, "two", 11);
  ASSERT_TRUE(store_->remove_participant(conv_, "bob", at(12)).value());
  auto r = find("p1", "bob", first, 13);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->events.empty());
  EXPECT_TRUE(r->conversation_ids.empty());
}

TEST_P(recovery, at_most_max_events_else_no_recovery) {
  open_session("p1", "bob", "o1", 5);
  const auto first = send(conv_, "zero", 10);
  send(conv_, "one", 11);
  send(conv_, "two", 12);
  auto at_limit = find("p1", "bob", first, 13, 2);
  ASSERT_TRUE(at_limit);
  EXPECT_EQ(at_limit->events.size(), 2u);
  EXPECT_FALSE(find("p1", "bob", first, 13, 1));  // one past the limit
}

TEST_P(recovery, prune_drops_old_events_expired_and_abandoned_sessions) {
  open_session("p1", "bob", "o1", 5);
  open_session("p2", "bob", "o2", 5);
  open_session("p3", "bob", "o3", 50);
  ASSERT_TRUE(store_->close_recovery_session("p2", "o2", at(30)));
  send(conv_, "old", 10);
  const auto newest = send(conv_, "new", 40);
  ASSERT_TRUE(store_->prune_recovery(at(20), at(30), at(6)));
  EXPECT_FALSE(find("p1", "bob", std::nullopt, 31));  // live but untouched since 5 < 6
  EXPECT_FALSE(find("p2", "bob", std::nullopt, 29));  // expired at 30: deleted
  auto r = find("p3", "bob", 0, 31);
  ASSERT_TRUE(r);
  EXPECT_EQ(contents(*r), std::vector<std::string>{"new"});
  // Offsets are never reused, even once the log was pruned empty.
  ASSERT_TRUE(store_->prune_recovery(at(100), at(30), at(6)));
  EXPECT_GT(send(conv_, "later", 41), newest);
}

TEST_P(recovery, another_store_object_sees_the_same_sessions_and_events) {
  open_session("p1", "bob", "o1", 5);
  send(conv_, "one", 10);
  auto other = open();
  auto r = other->find_recovery_session({"p1", "bob", std::nullopt, at(11), 1000}).value();
  ASSERT_TRUE(r);
  EXPECT_EQ(contents(*r), std::vector<std::string>{"one"});
}

CHATGATE_STORE_BACKENDS(recovery);

}  // namespace
}  // namespace chatgate::store::testing
