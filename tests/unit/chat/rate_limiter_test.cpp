#include "chat/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "memory_store.hpp"

using namespace chatgate;
using namespace std::chrono_literals;

namespace {

struct rate_limiter_test : ::testing::Test {
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {3, 10s}};
};

TEST_F(rate_limiter_test, allows_the_limit_and_refuses_one_past_it) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.consume("alice")) << i;
  auto r = limiter.consume("alice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::error_code::rate_limited);
  EXPECT_EQ(r.error().retry_after_ms, 10'000);
}

TEST_F(rate_limiter_test, users_are_counted_separately) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.consume("alice"));
  EXPECT_TRUE(limiter.consume("bob"));
  EXPECT_FALSE(limiter.consume("alice"));
}

TEST_F(rate_limiter_test, window_slides_with_each_send) {
  ASSERT_TRUE(limiter.consume("alice"));  // t = 0
  clock.advance(4s);
  ASSERT_TRUE(limiter.consume("alice"));  // t = 4
  ASSERT_TRUE(limiter.consume("alice"));  // t = 4
  clock.advance(3s);                      // t = 7
  auto r = limiter.consume("alice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().retry_after_ms, 3'000);  // the t=0 send leaves at t=10
  clock.advance(2999ms);
  EXPECT_FALSE(limiter.consume("alice"));
  clock.advance(1ms);  // t = 10: the first send has left the window, the t=4 ones have not
  EXPECT_TRUE(limiter.consume("alice"));
  auto again = limiter.consume("alice");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().retry_after_ms, 4'000);
}

TEST_F(rate_limiter_test, refused_sends_are_not_counted) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.consume("alice"));
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(limiter.consume("alice"));
  clock.advance(10s);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.consume("alice")) << i;
}

TEST(rate_limiter, zero_limit_disables_it) {
  test_support::manual_clock clock;
  chat::rate_limiter limiter{clock, {0, 10s}};
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.consume("alice"));
}

TEST_F(rate_limiter_test, idle_users_are_forgotten) {
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(limiter.consume("user" + std::to_string(i)));
  EXPECT_EQ(limiter.tracked_users(), 100u);
  clock.advance(11s);
  for (int i = 0; i < 1024; ++i) (void)limiter.consume("busy");
  EXPECT_EQ(limiter.tracked_users(), 1u);
}

}  // namespace
