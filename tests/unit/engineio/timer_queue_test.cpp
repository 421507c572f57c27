// The one-timer deadline queue, without sockets: order, re-arm to an earlier deadline, cancel and
// re-arm by the owner (lazy deletion), owners that are gone, and handlers that schedule.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "engineio/timer_queue.hpp"

namespace {

using namespace chatgate::engineio;
using namespace std::chrono_literals;
using time_point = timer_queue::time_point;

/// An owner as a session is one: it keeps the deadline it wants per slot and ignores the rest.
struct owner {
  std::string name;
  time_point wanted[2] = {time_point::max(), time_point::max()};
};

class timer_queue_test : public ::testing::Test {
 protected:
  boost::asio::io_context ioc;  // before the queue, which takes its executor
  std::vector<std::string> fired;
  std::vector<time_point> fired_at;  // when each of `fired` ran
  int stale = 0;
  std::function<void(owner&, std::uint32_t)> on_fire;
  timer_queue queue{ioc.get_executor(),
                    [this](const std::shared_ptr<void>& o, std::uint32_t slot, time_point at) {
                      auto& who = *static_cast<owner*>(o.get());
                      if (who.wanted[slot] != at) {  // cancelled or re-armed
                        ++stale;
                        return;
                      }
                      who.wanted[slot] = time_point::max();
                      fired.push_back(who.name + "/" + std::to_string(slot));
                      fired_at.push_back(timer_queue::clock::now());
                      if (on_fire) on_fire(who, slot);
                    }};
  std::shared_ptr<owner> make(std::string name) {
    auto o = std::make_shared<owner>();
    o->name = std::move(name);
    return o;
  }
  void arm(const std::shared_ptr<owner>& o, std::uint32_t slot, time_point at) {
    o->wanted[slot] = at;
    queue.schedule(o, slot, at);
  }
  void run_for(std::chrono::milliseconds d) {
    ioc.restart();
    ioc.run_for(d);
  }
  /// Runs the loop until `done` holds (or 5 s pass, which fails the test's checks). Waiting for
  /// an outcome, not for a fixed time, keeps a loaded machine (CI under ASan, two test
  /// processes per core) from making the test late; that a timer did not fire early is checked
  /// against the time it fired, not against how long the loop ran.
  template <class Pred>
  void run_until(Pred done) {
    ioc.restart();
    const auto give_up = timer_queue::clock::now() + 5s;
    while (!done() && timer_queue::clock::now() < give_up) ioc.run_one_for(10ms);
  }
};

TEST_F(timer_queue_test, entries_fire_in_deadline_order_on_one_timer) {
  const auto now = timer_queue::clock::now();
  auto a = make("a"), b = make("b"), c = make("c");
  arm(a, 0, now + 30ms);
  arm(b, 1, now + 10ms);
  arm(c, 0, now + 20ms);
  EXPECT_EQ(queue.size(), 3u);
  run_until([&] { return fired.size() == 3; });
  EXPECT_EQ(fired, (std::vector<std::string>{"b/1", "c/0", "a/0"}));
  EXPECT_EQ(queue.size(), 0u);
}

TEST_F(timer_queue_test, run_due_runs_only_what_is_due) {
  const auto now = timer_queue::clock::now();
  auto a = make("a"), b = make("b");
  arm(a, 0, now + 1h);
  arm(b, 0, now + 2h);
  queue.run_due(now + 1h);
  EXPECT_EQ(fired, std::vector<std::string>{"a/0"});
  EXPECT_EQ(queue.size(), 1u);
  queue.run_due(now + 3h);
  EXPECT_EQ(fired, (std::vector<std::string>{"a/0", "b/0"}));
}

TEST_F(timer_queue_test, an_earlier_entry_rearms_the_timer) {
  const auto now = timer_queue::clock::now();
  auto a = make("a"), b = make("b");
  arm(a, 0, now + 1h);    // the timer waits an hour...
  arm(b, 0, now + 10ms);  // ...until an earlier entry comes
  run_until([&] { return !fired.empty(); });
  EXPECT_EQ(fired, std::vector<std::string>{"b/0"});
  EXPECT_EQ(queue.size(), 1u);  // a's entry still waits
}

TEST_F(timer_queue_test, a_cancelled_entry_is_dropped_when_due) {
  const auto now = timer_queue::clock::now();
  auto a = make("a");
  arm(a, 0, now + 10ms);
  a->wanted[0] = time_point::max();  // the owner cancels: nothing is removed from the heap
  run_until([&] { return stale == 1; });
  EXPECT_TRUE(fired.empty());
  EXPECT_EQ(stale, 1);
  EXPECT_EQ(queue.size(), 0u);
}

TEST_F(timer_queue_test, a_rearmed_entry_fires_once_at_its_new_deadline) {
  const auto now = timer_queue::clock::now();
  auto a = make("a");
  arm(a, 0, now + 10ms);
  arm(a, 0, now + 30ms);  // re-armed later: the 10 ms entry is stale
  run_until([&] { return !fired.empty(); });
  EXPECT_EQ(fired, std::vector<std::string>{"a/0"});
  ASSERT_EQ(fired_at.size(), 1u);
  EXPECT_GE(fired_at[0], now + 30ms);  // not at the stale 10 ms
  EXPECT_EQ(stale, 1);
  run_for(20ms);  // and only once
  EXPECT_EQ(fired.size(), 1u);
}

TEST_F(timer_queue_test, slots_of_one_owner_are_independent) {
  const auto now = timer_queue::clock::now();
  auto a = make("a");
  arm(a, 0, now + 20ms);
  arm(a, 1, now + 10ms);
  run_until([&] { return fired.size() == 2; });
  EXPECT_EQ(fired, (std::vector<std::string>{"a/1", "a/0"}));
}

TEST_F(timer_queue_test, an_owner_that_is_gone_is_not_called) {
  const auto now = timer_queue::clock::now();
  auto a = make("a"), b = make("b");
  arm(a, 0, now + 10ms);
  arm(b, 0, now + 20ms);
  a.reset();
  run_until([&] { return !fired.empty(); });
  EXPECT_EQ(fired, std::vector<std::string>{"b/0"});
  EXPECT_EQ(stale, 0);
  EXPECT_EQ(queue.size(), 0u);
}

TEST_F(timer_queue_test, a_handler_may_schedule_again) {
  const auto now = timer_queue::clock::now();
  auto a = make("a");
  int rounds = 0;
  on_fire = [&](owner&, std::uint32_t) {
    if (++rounds < 3) arm(a, 0, timer_queue::clock::now() + 5ms);  // a heartbeat
  };
  arm(a, 0, now + 5ms);
  run_until([&] { return rounds == 3; });
  EXPECT_EQ(rounds, 3);
  EXPECT_EQ(queue.size(), 0u);
}

TEST_F(timer_queue_test, a_pending_wait_outlives_the_queue_harmlessly) {
  auto a = make("a");
  {
    timer_queue q(ioc.get_executor(), [&](const std::shared_ptr<void>&, std::uint32_t, time_point) {
      fired.push_back("late");
    });
    q.schedule(a, 0, timer_queue::clock::now() + 5ms);
  }
  run_for(20ms);
  EXPECT_TRUE(fired.empty());
}

}  // namespace
