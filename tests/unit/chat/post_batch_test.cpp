#include "chat/post_batch.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chat/held_answers.hpp"

namespace chatgate::chat {
namespace {

/// A destination that records each post (one closure or several) and runs nothing until told.
struct recording_destination {
  std::vector<std::vector<std::function<void()>>> posts;  // one entry per post
  batch_destination dest;
  std::vector<std::string>* log = nullptr;
  std::string name;

  recording_destination(std::string n, int rank, std::vector<std::string>& l)
      : log(&l), name(std::move(n)) {
    dest.one = [this](std::function<void()> f) {
      log->push_back(name + ":post(1)");
      posts.push_back({std::move(f)});
    };
    dest.all = [this](std::vector<std::function<void()>> fs) {
      log->push_back(name + ":post(" + std::to_string(fs.size()) + ")");
      posts.push_back(std::move(fs));
    };
    dest.rank = rank;
  }
  void run_all() {
    for (auto& p : posts)
      for (auto& f : p) f();
    posts.clear();
  }
};

TEST(post_batch, without_a_batch_each_closure_is_posted_at_once) {
  std::vector<std::string> log;
  recording_destination d("d", 0, log);
  auto post = batching(d.dest);
  post([&] { log.push_back("a"); });
  post([&] { log.push_back("b"); });
  EXPECT_EQ(log, (std::vector<std::string>{"d:post(1)", "d:post(1)"}));
  EXPECT_EQ(post_batch::current(), nullptr);
}

TEST(post_batch, a_batch_posts_once_per_destination_in_order_events_before_answers) {
  std::vector<std::string> log;
  recording_destination events("events", 0, log);
  recording_destination answers("answers", 1, log);
  auto to_events = batching(events.dest);
  auto to_answers = batching(answers.dest);
  {
    post_batch batch;
    EXPECT_EQ(post_batch::current(), &batch);
    // An answer that comes first (a refused call) must still not lead the batch's events.
    to_answers([&] { log.push_back("ack0"); });
    to_events([&] { log.push_back("ev1"); });
    to_answers([&] { log.push_back("ack1"); });
    to_events([&] { log.push_back("ev2"); });
    to_answers([&] { log.push_back("ack2"); });
    EXPECT_TRUE(log.empty());  // nothing leaves before the batch closes
  }
  EXPECT_EQ(post_batch::current(), nullptr);
  EXPECT_EQ(log, (std::vector<std::string>{"events:post(2)", "answers:post(3)"}));
  log.clear();
  events.run_all();
  answers.run_all();
  EXPECT_EQ(log, (std::vector<std::string>{"ev1", "ev2", "ack0", "ack1", "ack2"}));
}

TEST(post_batch, a_nested_batch_adds_to_the_outer_one) {
  std::vector<std::string> log;
  recording_destination d("d", 0, log);
  auto post = batching(d.dest);
  {
    post_batch outer;
    post([] {});
    {
      post_batch inner;
      EXPECT_EQ(post_batch::current(), &outer);
      post([] {});
    }
    EXPECT_TRUE(log.empty());
    post([] {});
  }
  EXPECT_EQ(log, (std::vector<std::string>{"d:post(3)"}));
}

TEST(post_batch, a_released_group_commit_leaves_as_one_post_per_destination) {
  std::vector<std::string> log;
  recording_destination events("events", 0, log);
  recording_destination answers("answers", 1, log);
  held_answers held;
  for (int i = 0; i < 3; ++i) {
    held.hold(
        batching(events.dest), [&log, i] { log.push_back("ev" + std::to_string(i)); }, nullptr);
    held.hold(
        batching(answers.dest), [&log, i] { log.push_back("ack" + std::to_string(i)); },
        [&log, i] { log.push_back("failed" + std::to_string(i)); });
  }
  held.release(true);
  EXPECT_EQ(log, (std::vector<std::string>{"events:post(3)", "answers:post(3)"}));
  log.clear();
  events.run_all();
  answers.run_all();
  EXPECT_EQ(log, (std::vector<std::string>{"ev0", "ev1", "ev2", "ack0", "ack1", "ack2"}));
  log.clear();
  held.hold(
      batching(events.dest), [&log] { log.push_back("ev"); }, nullptr);
  held.hold(
      batching(answers.dest), [&log] { log.push_back("ack"); },
      [&log] { log.push_back("failed"); });
  held.release(false);  // nothing stored: no event, the answer says so
  EXPECT_EQ(log, (std::vector<std::string>{"answers:post(1)"}));
  log.clear();
  answers.run_all();
  EXPECT_EQ(log, (std::vector<std::string>{"failed"}));
}

}  // namespace
}  // namespace chatgate::chat
