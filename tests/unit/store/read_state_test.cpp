// Both stores (backend_fixture): read state (contract §8) kept as counters by sends, deletions,
// joins and reads; every count checked against a count over the messages themselves.
#include <map>
#include <random>

#include "backend_fixture.hpp"

namespace chatgate::store::testing {
namespace {

class read_state_store : public backend_fixture {
 protected:
  void SetUp() override {
    backend_fixture::SetUp();
    if (IsSkipped()) return;
    conv_ = store_->create_conversation(group("alice", {"bob", "carol"}, at(1))).value().id;
  }

  message send(const std::string& from, std::int64_t second = 10) {
    auto m = text(conv_, from, "m", at(second));
    m.id = core::make_object_id();
    auto r = store_->insert_message_checked(m).value();
    EXPECT_EQ(r.outcome, send_check::stored);
    return r.stored;
  }

  participant state(const std::string& user) {
    auto p = store_->find_participant(conv_, user).value();
    EXPECT_TRUE(p) << user;
    return p ? *p : participant{};
  }

  std::int64_t unread(const std::string& user) { return state(user).unread_count; }

  read_state read(const std::string& user, std::int64_t seq) {
    auto r = store_->mark_read(conv_, user, seq).value();
    EXPECT_TRUE(r);
    return r ? *r : read_state{};
  }

  /// The definition, counted over the messages: after last_read_seq, not own, not deleted.
  std::int64_t counted(const std::string& user) {
    const auto last_read = state(user).last_read_seq;
    std::int64_t n = 0;
    message_range all;
    all.after_seq = 0;
    all.limit = 100000;
    for (const auto& m : store_->list_messages(conv_, all).value())
      n += m.seq > last_read && m.sender_id != user && !m.is_deleted;
    return n;
  }

  std::string conv_;
};

TEST_P(read_state_store, starts_at_zero_and_counts_others_messages) {
  EXPECT_EQ(state("bob").last_read_seq, 0);
  EXPECT_EQ(unread("bob"), 0);
  send("alice");
  send("alice");
  send("bob");
  EXPECT_EQ(unread("alice"), 1);  // own messages are never unread
  EXPECT_EQ(unread("bob"), 2);
  EXPECT_EQ(unread("carol"), 3);
  // Every way a conversation is loaded carries the same numbers.
  auto c = store_->get_conversation(conv_).value();
  ASSERT_TRUE(c);
  ASSERT_EQ(c->participants.size(), 3u);
  EXPECT_EQ(c->participants[2].user_id, "carol");
  EXPECT_EQ(c->participants[2].unread_count, 3);
  auto listed = store_->list_conversations("bob", 10, std::nullopt).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].participants[1].unread_count, 2);
}

TEST_P(read_state_store, read_moves_forward_only_and_is_capped_at_the_last_seq) {
  for (int i = 0; i < 3; ++i) send("alice");
  auto r = read("bob", 2);
  EXPECT_EQ(r.conversation_id, conv_);
  EXPECT_EQ(r.user_id, "bob");
  EXPECT_EQ(r.last_read_seq, 2);
  EXPECT_EQ(r.unread_count, 1);
  r = read("bob", 1);  // lower: left as it is
  EXPECT_EQ(r.last_read_seq, 2);
  EXPECT_EQ(r.unread_count, 1);
  r = read("bob", 0);  // the lowest seq accepted: changes nothing
  EXPECT_EQ(r.last_read_seq, 2);
  r = read("bob", 3);  // the last seq: at the cap
  EXPECT_EQ(r.last_read_seq, 3);
  EXPECT_EQ(r.unread_count, 0);
  r = read("carol", 4);  // past the last seq: capped
  EXPECT_EQ(r.last_read_seq, 3);
  EXPECT_EQ(r.unread_count, 0);
  send("alice");
  EXPECT_EQ(unread("bob"), 1);
  EXPECT_EQ(state("bob").last_read_seq, 3);
}

TEST_P(read_state_store, read_by_an_outsider_or_of_no_conversation_is_nullopt) {
  send("alice");
  EXPECT_FALSE(store_->mark_read(conv_, "mallory", 1).value());
  EXPECT_FALSE(store_->mark_read(core::make_object_id(), "bob", 1).value());
  EXPECT_EQ(unread("bob"), 1);
}

TEST_P(read_state_store, deletions_count_once_and_edits_not_at_all) {
  auto m1 = send("alice");
  auto m2 = send("alice");
  auto m3 = send("bob");
  read("carol", 1);
  ASSERT_TRUE(store_->edit_message(m2.id, "changed", at(20)).value());
  EXPECT_EQ(unread("bob"), 2);
  EXPECT_EQ(unread("carol"), 2);
  ASSERT_TRUE(store_->delete_message(m1.id, at(21)).value());  // read by carol, not by bob
  EXPECT_EQ(unread("bob"), 1);
  EXPECT_EQ(unread("carol"), 2);
  ASSERT_TRUE(store_->delete_message(m1.id, at(22)).value());  // twice: counted once
  EXPECT_EQ(unread("bob"), 1);
  ASSERT_TRUE(store_->delete_message(m3.id, at(23)).value());  // bob's own
  EXPECT_EQ(unread("bob"), 1);
  EXPECT_EQ(unread("carol"), 1);
  EXPECT_EQ(unread("alice"), 0);
  // A deleted message stays deleted: an edit afterwards changes nothing.
  ASSERT_TRUE(store_->delete_message(m2.id, at(24)).value());
  EXPECT_FALSE(store_->edit_message(m2.id, "back", at(25)).value());
  EXPECT_TRUE(store_->get_message(m2.id).value()->is_deleted);
  for (const char* u : {"alice", "bob", "carol"}) EXPECT_EQ(unread(u), counted(u)) << u;
}

TEST_P(read_state_store, a_joiner_starts_unread_from_zero_without_its_own_messages) {
  send("alice");
  send("carol");
  ASSERT_TRUE(store_->remove_participant(conv_, "carol", at(30)).value());
  send("alice");
  ASSERT_TRUE(
      store_->add_participant(conv_, {"carol", participant_role::member, at(31)}, at(31)).value());
  EXPECT_EQ(state("carol").last_read_seq, 0);
  EXPECT_EQ(unread("carol"), 2);  // alice's two; carol's own earlier one is not unread
  ASSERT_TRUE(
      store_->add_participant(conv_, {"dave", participant_role::member, at(32)}, at(32)).value());
  EXPECT_EQ(unread("dave"), 3);
}

TEST_P(read_state_store, counters_match_a_count_over_the_messages_after_random_operations) {
  const std::vector<std::string> users{"alice", "bob", "carol"};
  std::mt19937 rng(11);
  std::vector<std::string> ids;
  std::int64_t last_seq = 0;
  for (int step = 0; step < 300; ++step) {
    const auto& user = users[rng() % users.size()];
    const auto op = rng() % 10;
    if (op < 6 || ids.empty()) {
      ids.push_back(send(user).id);
      ++last_seq;
    } else if (op < 8) {
      ASSERT_TRUE(store_->delete_message(ids[rng() % ids.size()], at(40)).value());
    } else if (op < 9) {
      ASSERT_TRUE(store_->edit_message(ids[rng() % ids.size()], "e", at(40)).has_value());
    } else {
      read(user, static_cast<std::int64_t>(rng() % (last_seq + 3)));
    }
    if (step % 50 == 49) {
      for (const auto& u : users) {
        ASSERT_EQ(unread(u), counted(u)) << u << " at step " << step;
      }
    }
  }
}

TEST_P(read_state_store, a_group_commit_keeps_the_counters) {
  if (!store_->begin_batch()) GTEST_SKIP() << "this backend does not batch";
  auto m = send("alice");
  send("bob");
  read("bob", 2);
  ASSERT_TRUE(store_->delete_message(m.id, at(50)).value());
  ASSERT_TRUE(store_->end_batch());
  EXPECT_EQ(unread("bob"), 0);
  EXPECT_EQ(unread("carol"), 1);
  for (const char* u : {"alice", "bob", "carol"}) EXPECT_EQ(unread(u), counted(u)) << u;
}

CHATGATE_STORE_BACKENDS(read_state_store);

}  // namespace
}  // namespace chatgate::store::testing
