// Both stores (backend_fixture): message seq, pagination, edit, soft delete.
#include <set>
#include <thread>

#include "backend_fixture.hpp"

namespace chatgate::store::testing {
namespace {

class messages : public backend_fixture {
 protected:
  void SetUp() override {
    backend_fixture::SetUp();
    if (IsSkipped()) return;
    conv_ = store_->create_conversation(group("alice", {"bob"}, at(1))).value().id;
  }

  std::vector<std::int64_t> seqs(const message_range& range) {
    std::vector<std::int64_t> out;
    for (auto& m : store_->list_messages(conv_, range).value()) out.push_back(m.seq);
    return out;
  }

  void insert_n(int n) {
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(
          store_->insert_message(text(conv_, "alice", "m" + std::to_string(i), at(10 + i))));
  }

  std::string conv_;
};

TEST_P(messages, insert_assigns_seq_and_round_trips) {
  auto m = text(conv_, "alice", "hello", at(5));
  m.attachments = {{"f-1", "a.png"}, {"f-2", std::nullopt}};
  m.metadata = {{"k", "v"}};
  m.seq = 99;  // ignored
  auto stored = store_->insert_message(m).value();
  EXPECT_EQ(stored.seq, 1);
  EXPECT_TRUE(core::is_object_id(stored.id));
  auto got = store_->get_message(stored.id).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->conversation_id, conv_);
  EXPECT_EQ(got->content, "hello");
  ASSERT_EQ(got->attachments.size(), 2u);
  EXPECT_EQ(got->attachments[0].label, "a.png");
  EXPECT_FALSE(got->attachments[1].label);
  EXPECT_EQ(got->metadata, m.metadata);
  EXPECT_FALSE(got->reply_to);
  EXPECT_FALSE(got->is_edited);
  EXPECT_FALSE(got->deleted_at);
  EXPECT_EQ(store_->insert_message(text(conv_, "bob", "x", at(6))).value().seq, 2);
  auto conv = store_->get_conversation(conv_).value();
  EXPECT_EQ(conv->last_message->content, "x");
  EXPECT_EQ(conv->last_message_at, at(6));
  EXPECT_FALSE(store_->get_message(core::make_object_id()).value());
}

TEST_P(messages, seq_is_per_conversation) {
  auto other = store_->create_conversation(group("bob", {}, at(1))).value().id;
  insert_n(3);
  EXPECT_EQ(store_->insert_message(text(other, "bob", "x", at(2))).value().seq, 1);
  EXPECT_EQ(store_->insert_message(text(conv_, "bob", "x", at(2))).value().seq, 4);
}

TEST_P(messages, insert_into_unknown_conversation_is_not_found) {
  auto r = store_->insert_message(text(core::make_object_id(), "a", "x", at(1)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::error_code::not_found);
}

TEST_P(messages, checked_insert_stores_a_participants_message) {
  auto m = text(conv_, "bob", "hi", at(5));
  m.id = core::make_object_id();
  auto r = store_->insert_message_checked(m).value();
  EXPECT_EQ(r.outcome, send_check::stored);
  EXPECT_EQ(r.stored.id, m.id);
  EXPECT_EQ(r.stored.seq, 1);
  EXPECT_EQ(r.stored.content, "hi");
  EXPECT_EQ(r.stored.sender_id, "bob");
  EXPECT_EQ(store_->get_conversation(conv_).value()->last_message->id, m.id);
}

TEST_P(messages, checked_insert_refuses_outsiders_and_writes_nothing) {
  auto m = text(conv_, "mallory", "x", at(5));
  m.id = core::make_object_id();
  EXPECT_EQ(store_->insert_message_checked(m).value().outcome, send_check::not_participant);
  auto elsewhere = text(core::make_object_id(), "alice", "x", at(5));  // no such conversation
  elsewhere.id = core::make_object_id();
  EXPECT_EQ(store_->insert_message_checked(elsewhere).value().outcome, send_check::not_participant);
  EXPECT_FALSE(store_->get_message(m.id).value());
  // The counter did not move: the next message is seq 1.
  EXPECT_EQ(store_->insert_message(text(conv_, "alice", "y", at(6))).value().seq, 1);
}

TEST_P(messages, checked_insert_needs_reply_to_in_the_same_conversation) {
  auto parent = store_->insert_message(text(conv_, "alice", "p", at(5))).value();
  auto other = store_->create_conversation(group("alice", {}, at(1))).value().id;
  auto foreign = store_->insert_message(text(other, "alice", "q", at(5))).value();
  auto bad = text(conv_, "bob", "x", at(6));
  bad.id = core::make_object_id();
  bad.reply_to = foreign.id;
  EXPECT_EQ(store_->insert_message_checked(bad).value().outcome, send_check::bad_reply);
  bad.reply_to = core::make_object_id();  // no such message
  EXPECT_EQ(store_->insert_message_checked(bad).value().outcome, send_check::bad_reply);
  EXPECT_FALSE(store_->get_message(bad.id).value());
  auto good = text(conv_, "bob", "x", at(6));
  good.id = core::make_object_id();
  good.reply_to = parent.id;
  auto r = store_->insert_message_checked(good).value();
  EXPECT_EQ(r.outcome, send_check::stored);
  EXPECT_EQ(r.stored.seq, 2);
  EXPECT_EQ(r.stored.reply_to, parent.id);
}

TEST_P(messages, checked_insert_retried_with_the_same_id_stores_once) {
  auto m = text(conv_, "bob", "once", at(5));
  m.id = core::make_object_id();
  auto first = store_->insert_message_checked(m).value();
  auto again = store_->insert_message_checked(m).value();  // a retry after a lost answer
  EXPECT_EQ(again.outcome, send_check::stored);
  EXPECT_EQ(again.stored.id, first.stored.id);
  EXPECT_EQ(again.stored.seq, first.stored.seq);
  EXPECT_EQ(seqs({.after_seq = 0, .limit = 10}), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(store_->insert_message(text(conv_, "alice", "next", at(6))).value().seq, 2);
}

TEST_P(messages, checked_inserts_of_a_batch_answer_each_in_order) {
  // A group commit's sends (PostgreSQL: one pipeline in the batch's transaction).
  auto parent = text(conv_, "alice", "p", at(5));
  parent.id = core::make_object_id();
  auto outsider = text(conv_, "mallory", "x", at(6));
  outsider.id = core::make_object_id();
  auto bad_reply = text(conv_, "bob", "x", at(6));
  bad_reply.id = core::make_object_id();
  bad_reply.reply_to = core::make_object_id();
  auto reply = text(conv_, "bob", "r", at(7));
  reply.id = core::make_object_id();
  reply.reply_to = parent.id;  // a message of this same batch
  const std::vector<message> sends{parent, outsider, bad_reply, reply, parent /* a retry */};
  const bool batched = store_->begin_batch();
  auto answers = store_->insert_messages_checked(sends);
  if (batched) ASSERT_TRUE(store_->end_batch());
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_EQ(answers[0].value().outcome, send_check::stored);
  EXPECT_EQ(answers[0].value().stored.seq, 1);
  EXPECT_EQ(answers[1].value().outcome, send_check::not_participant);
  EXPECT_EQ(answers[2].value().outcome, send_check::bad_reply);
  EXPECT_EQ(answers[3].value().outcome, send_check::stored);
  EXPECT_EQ(answers[3].value().stored.seq, 2);
  EXPECT_EQ(answers[3].value().stored.reply_to, parent.id);
  EXPECT_EQ(answers[4].value().stored.id, parent.id);
  EXPECT_EQ(answers[4].value().stored.seq, 1);
  EXPECT_EQ(seqs({.after_seq = 0, .limit = 10}), (std::vector<std::int64_t>{1, 2}));
  EXPECT_FALSE(store_->get_message(outsider.id).value());
  EXPECT_EQ(store_->get_conversation(conv_).value()->last_message->id, reply.id);
}

TEST_P(messages, checked_inserts_from_two_connections_are_gapless) {
  auto second = open();
  auto run = [&](store& s, const char* who) {
    for (int i = 0; i < 40; ++i) {
      auto m = text(conv_, who, "x", at(i));
      m.id = core::make_object_id();
      ASSERT_EQ(s.insert_message_checked(m).value().outcome, send_check::stored);
    }
  };
  std::thread t1([&] { run(*store_, "alice"); });
  std::thread t2([&] { run(*second, "bob"); });
  t1.join();
  t2.join();
  auto all = seqs({.after_seq = 0, .limit = 100});
  ASSERT_EQ(all.size(), 80u);
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], static_cast<std::int64_t>(i + 1));
}

TEST_P(messages, seq_gapless_under_concurrent_inserts) {
  constexpr int threads = 8, each = 50;
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < each; ++i)
        ASSERT_TRUE(store_->insert_message(text(conv_, "u" + std::to_string(t), "x", at(i))));
    });
  for (auto& th : pool) th.join();
  auto all = seqs({.after_seq = 0, .limit = threads * each + 10});
  ASSERT_EQ(all.size(), static_cast<std::size_t>(threads * each));
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], static_cast<std::int64_t>(i + 1));
}

TEST_P(messages, seq_gapless_across_two_connections) {
  auto second = open();
  std::thread t1([&] {
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(store_->insert_message(text(conv_, "a", "x", at(i))));
  });
  std::thread t2([&] {
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(second->insert_message(text(conv_, "b", "x", at(i))));
  });
  t1.join();
  t2.join();
  auto all = seqs({.after_seq = 0, .limit = 100});
  std::set<std::int64_t> distinct(all.begin(), all.end());
  EXPECT_EQ(all.size(), 80u);
  EXPECT_EQ(distinct.size(), 80u);
  EXPECT_EQ(*distinct.begin(), 1);
  EXPECT_EQ(*distinct.rbegin(), 80);
}

TEST_P(messages, default_page_is_newest_first) {
  insert_n(7);
  EXPECT_EQ(seqs({.limit = 3}), (std::vector<std::int64_t>{7, 6, 5}));
  EXPECT_EQ(seqs({.limit = 50}).size(), 7u);
}

TEST_P(messages, before_is_newest_first_below_the_bound) {
  insert_n(7);
  EXPECT_EQ(seqs({.before_seq = 5, .limit = 3}), (std::vector<std::int64_t>{4, 3, 2}));
  EXPECT_EQ(seqs({.before_seq = 2, .limit = 3}), (std::vector<std::int64_t>{1}));
  EXPECT_TRUE(seqs({.before_seq = 1, .limit = 3}).empty());
}

TEST_P(messages, after_is_oldest_first_above_the_bound) {
  insert_n(7);
  EXPECT_EQ(seqs({.after_seq = 2, .limit = 3}), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(seqs({.after_seq = 5, .limit = 3}), (std::vector<std::int64_t>{6, 7}));
  EXPECT_TRUE(seqs({.after_seq = 7, .limit = 3}).empty());
  EXPECT_EQ(seqs({.before_seq = 6, .after_seq = 2, .limit = 10}),
            (std::vector<std::int64_t>{3, 4, 5}));
}

TEST_P(messages, limit_at_and_past_the_number_of_messages) {
  insert_n(5);
  EXPECT_EQ(seqs({.after_seq = 0, .limit = 5}).size(), 5u);
  EXPECT_EQ(seqs({.after_seq = 0, .limit = 4}).size(), 4u);
  EXPECT_EQ(seqs({.after_seq = 0, .limit = 6}).size(), 5u);
  EXPECT_TRUE(seqs({.limit = 0}).empty());
}

TEST_P(messages, edit_marks_edited) {
  auto m = store_->insert_message(text(conv_, "alice", "old", at(5))).value();
  auto edited = store_->edit_message(m.id, "new", at(9)).value();
  ASSERT_TRUE(edited);
  EXPECT_EQ(edited->content, "new");
  EXPECT_TRUE(edited->is_edited);
  EXPECT_EQ(edited->updated_at, at(9));
  EXPECT_EQ(edited->created_at, at(5));
  EXPECT_EQ(edited->seq, m.seq);
  EXPECT_FALSE(store_->edit_message(core::make_object_id(), "x", at(9)).value());
}

TEST_P(messages, soft_delete_keeps_id_and_seq) {
  insert_n(2);
  auto m = text(conv_, "alice", "secret", at(20));
  m.attachments = {{"f-1", "x.png"}};
  auto stored = store_->insert_message(m).value();
  insert_n(1);
  auto deleted = store_->delete_message(stored.id, at(30)).value();
  ASSERT_TRUE(deleted);
  EXPECT_TRUE(deleted->is_deleted);
  EXPECT_EQ(deleted->content, "");
  EXPECT_TRUE(deleted->attachments.empty());
  EXPECT_EQ(deleted->deleted_at, at(30));
  EXPECT_EQ(deleted->seq, 3);
  EXPECT_EQ(deleted->id, stored.id);
  // Still listed in its place, so sync sees the deletion.
  auto page = store_->list_messages(conv_, {.after_seq = 2, .limit = 1}).value();
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, stored.id);
  EXPECT_TRUE(page[0].is_deleted);
  // A second delete keeps the first time.
  EXPECT_EQ(store_->delete_message(stored.id, at(40)).value()->deleted_at, at(30));
  EXPECT_FALSE(store_->delete_message(core::make_object_id(), at(40)).value());
}

TEST_P(messages, last_message_shows_current_state) {
  auto m = store_->insert_message(text(conv_, "alice", "last", at(5))).value();
  ASSERT_TRUE(store_->delete_message(m.id, at(6)));
  auto conv = store_->get_conversation(conv_).value();
  ASSERT_TRUE(conv->last_message);
  EXPECT_TRUE(conv->last_message->is_deleted);
  EXPECT_EQ(conv->last_message_at, at(5));
}

TEST_P(messages, times_round_trip_to_the_millisecond) {
  const core::sys_time_ms created{std::chrono::milliseconds{1732579200123}};
  auto stored = store_->insert_message(text(conv_, "alice", "t", created)).value();
  const core::sys_time_ms deleted{std::chrono::milliseconds{1732579200999}};
  auto got = store_->delete_message(stored.id, deleted).value();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->created_at, created);
  EXPECT_EQ(got->deleted_at, deleted);
  EXPECT_EQ(got->updated_at, deleted);
  EXPECT_EQ(store_->get_conversation(conv_).value()->last_message_at, created);
}

TEST_P(messages, reply_to_round_trips) {
  auto first = store_->insert_message(text(conv_, "alice", "q", at(5))).value();
  auto reply = text(conv_, "bob", "a", at(6));
  reply.reply_to = first.id;
  auto stored = store_->insert_message(reply).value();
  EXPECT_EQ(store_->get_message(stored.id).value()->reply_to, first.id);
}

CHATGATE_STORE_BACKENDS(messages);

}  // namespace
}  // namespace chatgate::store::testing
