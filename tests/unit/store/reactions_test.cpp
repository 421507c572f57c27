// Both stores (backend_fixture): reactions stored with their message (contract §8).
#include <thread>

#include "backend_fixture.hpp"

namespace chatgate::store::testing {
namespace {

constexpr std::size_t limit = 20;

class reactions : public backend_fixture {
 protected:
  void SetUp() override {
    backend_fixture::SetUp();
    if (IsSkipped()) return;
    conv_ = store_->create_conversation(group("alice", {"bob"}, at(1))).value().id;
    msg_ = store_->insert_message(text(conv_, "alice", "hi", at(2))).value();
  }

  reacted add(std::string_view user, std::string_view emoji, store* s = nullptr) {
    return (s ? *s : *store_).react(msg_.id, user, emoji, reaction_action::add, limit).value();
  }
  reacted remove(std::string_view user, std::string_view emoji) {
    return store_->react(msg_.id, user, emoji, reaction_action::remove, limit).value();
  }
  /// The stored list as "emoji:user,user emoji:user".
  std::string stored() {
    std::string out;
    const auto m = store_->get_message(msg_.id).value();  // held: the loop reads into it
    for (const auto& r : m->reactions) {
      out += (out.empty() ? "" : " ") + r.emoji + ":";
      for (std::size_t i = 0; i < r.user_ids.size(); ++i)
        out += (i ? "," : "") + r.user_ids[i];
    }
    return out;
  }

  std::string conv_;
  message msg_;
};

TEST_P(reactions, a_new_message_has_none) {
  EXPECT_TRUE(msg_.reactions.empty());
  EXPECT_EQ(stored(), "");
}

TEST_P(reactions, kept_in_order_of_first_use_with_users_in_order) {
  EXPECT_EQ(add("bob", "👍").outcome, reaction_outcome::changed);
  EXPECT_EQ(add("alice", "🎉").outcome, reaction_outcome::changed);
  auto r = add("alice", "👍");
  EXPECT_EQ(r.outcome, reaction_outcome::changed);
  ASSERT_EQ(r.current.reactions.size(), 2u);  // the answer is the state after the change
  EXPECT_EQ(r.current.reactions[0].user_ids, (std::vector<std::string>{"bob", "alice"}));
  EXPECT_EQ(stored(), "👍:bob,alice 🎉:alice");
  // listed messages carry them too (messages:sync and pages read the same column)
  auto listed = store_->list_messages(conv_, {.after_seq = 0, .limit = 10}).value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].reactions.size(), 2u);
}

TEST_P(reactions, a_repeat_and_a_removal_of_what_one_does_not_hold_change_nothing) {
  add("bob", "👍");
  EXPECT_EQ(add("bob", "👍").outcome, reaction_outcome::unchanged);
  EXPECT_EQ(remove("alice", "👍").outcome, reaction_outcome::unchanged);
  EXPECT_EQ(remove("bob", "🎉").outcome, reaction_outcome::unchanged);
  EXPECT_EQ(stored(), "👍:bob");
}

TEST_P(reactions, an_emoji_nobody_holds_leaves_and_comes_back_last) {
  add("bob", "👍");
  add("bob", "🎉");
  add("alice", "👍");
  EXPECT_EQ(remove("bob", "👍").outcome, reaction_outcome::changed);
  EXPECT_EQ(stored(), "👍:alice 🎉:bob");
  EXPECT_EQ(remove("alice", "👍").outcome, reaction_outcome::changed);
  EXPECT_EQ(stored(), "🎉:bob");
  add("alice", "👍");
  EXPECT_EQ(stored(), "🎉:bob 👍:alice");
}

TEST_P(reactions, at_most_twenty_distinct_emoji) {
  for (std::size_t i = 0; i < limit; ++i)
    ASSERT_EQ(add("bob", "e" + std::to_string(i)).outcome, reaction_outcome::changed);
  auto past = add("bob", "one-too-many");
  EXPECT_EQ(past.outcome, reaction_outcome::too_many);
  EXPECT_EQ(past.current.reactions.size(), limit);
  EXPECT_EQ(store_->get_message(msg_.id).value()->reactions.size(), limit);  // nothing written
  // at the limit, another user may still join an emoji that is there
  EXPECT_EQ(add("alice", "e0").outcome, reaction_outcome::changed);
  remove("bob", "e5");
  EXPECT_EQ(add("bob", "now-fits").outcome, reaction_outcome::changed);
}

TEST_P(reactions, a_reaction_does_not_touch_updated_at_or_content) {
  add("bob", "👍");
  auto m = store_->get_message(msg_.id).value();
  EXPECT_EQ(m->updated_at, msg_.updated_at);
  EXPECT_FALSE(m->is_edited);
  EXPECT_EQ(m->content, "hi");
}

TEST_P(reactions, missing_or_deleted_messages_are_not_found_and_not_written) {
  auto missing = store_->react("65a1b2c3d4e5f60718293a4f", "bob", "👍", reaction_action::add,
                               limit);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->found);
  ASSERT_TRUE(store_->delete_message(msg_.id, at(3)).value());
  EXPECT_FALSE(add("bob", "👍").found);
  EXPECT_EQ(stored(), "");
}

TEST_P(reactions, an_edit_keeps_them) {
  add("bob", "👍");
  ASSERT_TRUE(store_->edit_message(msg_.id, "edited", at(4)).value());
  EXPECT_EQ(stored(), "👍:bob");
}

TEST_P(reactions, concurrent_reactions_from_two_connections_are_all_kept) {
  auto second = open();
  constexpr int each = 25;
  auto run = [&](store* s, const char* prefix) {
    for (int i = 0; i < each; ++i)
      ASSERT_EQ(add(prefix + std::to_string(i), "👍", s).outcome, reaction_outcome::changed);
  };
  std::thread t1([&] { run(store_.get(), "a"); });
  std::thread t2([&] { run(second.get(), "b"); });
  t1.join();
  t2.join();
  auto m = store_->get_message(msg_.id).value();
  ASSERT_EQ(m->reactions.size(), 1u);
  EXPECT_EQ(m->reactions[0].user_ids.size(), 2u * each);
}

CHATGATE_STORE_BACKENDS(reactions);

}  // namespace
}  // namespace chatgate::store::testing
