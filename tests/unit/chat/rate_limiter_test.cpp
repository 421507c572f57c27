#include "chat/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "test_store.hpp"

using namespace chatgate;
using namespace std::chrono_literals;

namespace {

// 3 per 10 s: a burst of 3, then one send every 3333.3 ms.
struct rate_limiter_test : ::testing::Test {
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {3, 10s}};
};

TEST_F(rate_limiter_test, allows_the_limit_and_refuses_one_past_it) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.consume("alice")) << i;
  auto r = limiter.consume("alice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::error_code::rate_limited);
  EXPECT_EQ(r.error().retry_after_ms, 3334);  // 10 s / 3, rounded up
}

TEST_F(rate_limiter_test, users_are_counted_separately) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.consume("alice"));
  EXPECT_TRUE(limiter.consume("bob"));
  EXPECT_FALSE(limiter.consume("alice"));
}

TEST_F(rate_limiter_test, one_send_returns_every_window_over_limit) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.consume("alice"));
  clock.advance(3333ms);
  auto r = limiter.consume("alice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().retry_after_ms, 1);
  clock.advance(1ms);  // 3334 ms >= 10 s / 3: one send is back, not two
  EXPECT_TRUE(limiter.consume("alice"));
  EXPECT_FALSE(limiter.consume("alice"));
  clock.advance(10s);  // a whole window idle: the full burst again, no more
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.consume("alice")) << i;
  EXPECT_FALSE(limiter.consume("alice"));
}

TEST_F(rate_limiter_test, sustained_rate_is_limit_per_window) {
  int accepted = 0;
  for (int ms = 0; ms < 60'000; ms += 100) {
    if (limiter.consume("alice")) ++accepted;
    clock.advance(100ms);
  }
  EXPECT_EQ(accepted, 3 + 17);  // the burst, then one per 3333 ms over 60 s (at 3.4 s, 6.7 s, ...)
}

TEST_F(rate_limiter_test, refused_sends_are_not_counted) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.consume("alice"));
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(limiter.consume("alice"));
  clock.advance(10s);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.consume("alice")) << i;
}

TEST_F(rate_limiter_test, refund_gives_back_one_send) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.consume("alice"));
  ASSERT_FALSE(limiter.consume("alice"));
  limiter.refund("alice");
  EXPECT_TRUE(limiter.consume("alice"));
  EXPECT_FALSE(limiter.consume("alice"));
  limiter.refund("nobody");  // unknown user: nothing to give back
  EXPECT_EQ(limiter.tracked_users(), 1u);
}

TEST(rate_limiter, zero_limit_disables_it) {
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {0, 10s}};
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.consume("alice"));
  EXPECT_EQ(limiter.tracked_users(), 0u);
}

TEST_F(rate_limiter_test, idle_users_are_forgotten) {
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.consume("user" + std::to_string(i)));
  EXPECT_EQ(limiter.tracked_users(), 100u);
  clock.advance(11s);
  for (int i = 0; i < 1024; ++i) (void)limiter.consume("busy");
  EXPECT_EQ(limiter.tracked_users(), 1u);
}

TEST(rate_limiter, threads_share_one_budget) {
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {1000, 10s}};
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (limiter.consume(i % 2 ? "alice" : "bob")) accepted.fetch_add(1);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), 2000);  // 1000 each for alice and bob, 2000 attempts refused
}

}  // namespace
