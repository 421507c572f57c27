// typing_state: the throttle, the 5 s end, stops, the last-socket end and the bound, by the clock.
#include <gtest/gtest.h>

#include "gateway/typing_state.hpp"

namespace chatgate::gateway {
namespace {

using namespace std::chrono_literals;
using tp = typing_state::time_point;

const tp t0{std::chrono::milliseconds{1'000'000}};

TEST(typing_state, first_start_is_forwarded_and_repeats_within_a_second_are_not) {
  typing_state s;
  EXPECT_TRUE(s.start("u", "c", t0));
  EXPECT_FALSE(s.start("u", "c", t0 + 999ms));
  EXPECT_TRUE(s.start("u", "c", t0 + 1000ms));  // at the limit: one per second
  EXPECT_FALSE(s.start("u", "c", t0 + 1500ms));
  EXPECT_TRUE(s.is_typing("u", "c"));
}

TEST(typing_state, throttle_is_per_user_and_conversation) {
  typing_state s;
  EXPECT_TRUE(s.start("u", "c", t0));
  EXPECT_TRUE(s.start("u", "d", t0));
  EXPECT_TRUE(s.start("v", "c", t0));
  EXPECT_EQ(s.size(), 3u);
}

TEST(typing_state, stop_that_changes_state_is_forwarded_once) {
  typing_state s;
  EXPECT_FALSE(s.stop("u", "c", t0));  // not typing: nothing to tell
  s.start("u", "c", t0);
  EXPECT_TRUE(s.stop("u", "c", t0 + 10ms));
  EXPECT_FALSE(s.stop("u", "c", t0 + 20ms));
  EXPECT_FALSE(s.is_typing("u", "c"));
}

TEST(typing_state, quick_restart_after_stop_is_throttled_and_changes_nothing) {
  typing_state s;
  s.start("u", "c", t0);
  s.stop("u", "c", t0 + 100ms);
  EXPECT_FALSE(s.start("u", "c", t0 + 500ms));
  EXPECT_FALSE(s.is_typing("u", "c"));
  EXPECT_FALSE(s.stop("u", "c", t0 + 600ms));  // the room was not told it restarted
  EXPECT_TRUE(s.start("u", "c", t0 + 1000ms));
}

TEST(typing_state, typing_ends_five_seconds_after_the_last_start_even_a_throttled_one) {
  typing_state s;
  s.start("u", "c", t0);
  s.start("u", "c", t0 + 800ms);  // throttled, but extends the typing
  EXPECT_EQ(s.next_deadline(), t0 + 5800ms);
  EXPECT_TRUE(s.expire(t0 + 5799ms).empty());
  auto ended = s.expire(t0 + 5800ms);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].user_id, "u");
  EXPECT_EQ(ended[0].conversation_id, "c");
  EXPECT_FALSE(ended[0].is_typing);
  EXPECT_EQ(s.size(), 0u);  // the throttle ran out long ago: forgotten
  EXPECT_EQ(s.next_deadline(), std::nullopt);
}

TEST(typing_state, a_stopped_pair_is_forgotten_when_its_throttle_lapses) {
  typing_state s;
  s.start("u", "c", t0);
  s.stop("u", "c", t0 + 200ms);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.next_deadline(), t0 + 1000ms);
  EXPECT_TRUE(s.expire(t0 + 1000ms).empty());  // nothing to tell: it was stopped already
  EXPECT_EQ(s.size(), 0u);
}

TEST(typing_state, stop_after_the_throttle_forgets_at_once) {
  typing_state s;
  s.start("u", "c", t0);
  EXPECT_TRUE(s.stop("u", "c", t0 + 2s));
  EXPECT_EQ(s.size(), 0u);
}

TEST(typing_state, stop_all_ends_every_typing_of_the_user_only) {
  typing_state s;
  s.start("u", "a", t0);
  s.start("u", "b", t0);
  s.start("u", "c", t0);
  s.stop("u", "c", t0 + 10ms);
  s.start("v", "a", t0);
  EXPECT_TRUE(s.has_user("u"));
  auto ended = s.stop_all("u");
  EXPECT_EQ(ended, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(s.has_user("u"));
  EXPECT_TRUE(s.is_typing("v", "a"));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.next_deadline(), t0 + 5s);
}

TEST(typing_state, pairs_are_bounded_at_the_limit_and_refused_past_it) {
  typing_state s({1000ms, 5000ms, 2});
  EXPECT_TRUE(s.start("u", "a", t0));
  EXPECT_TRUE(s.start("u", "b", t0));   // at the limit
  EXPECT_FALSE(s.start("u", "c", t0));  // past it: not tracked, not forwarded
  EXPECT_EQ(s.size(), 2u);
  EXPECT_FALSE(s.is_typing("u", "c"));
  s.expire(t0 + 5s);
  EXPECT_TRUE(s.start("u", "c", t0 + 5s));  // room again once the others ended
}

}  // namespace
}  // namespace chatgate::gateway
