// pending_requests: answers matched by requestId, finished at the last expected answer or at the
// deadline, bounded (a test at the limit and one past it).
#include "cluster/redis/pending_requests.hpp"

#include <gtest/gtest.h>

namespace chatgate::cluster::redis {
namespace {

using namespace std::chrono_literals;
using clock_type = pending_requests::clock;

boost::json::object answer(int n) {
  return {{"n", n}};
}

TEST(pending_requests, finishes_at_the_last_expected_answer) {
  pending_requests p("uid");
  const auto t0 = clock_type::now();
  std::optional<pending_requests::outcome> got;
  auto id = p.add(2, t0 + 1s, [&](auto o) { got = std::move(o); });
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->starts_with("uid-"));
  EXPECT_FALSE(p.answer("uid-other", answer(0)));
  EXPECT_TRUE(p.answer(*id, answer(1)));
  EXPECT_FALSE(got);
  EXPECT_TRUE(p.answer(*id, answer(2)));
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->complete);
  ASSERT_EQ(got->answers.size(), 2u);
  EXPECT_EQ(got->answers[1].at("n"), 2);
  EXPECT_EQ(p.size(), 0u);
  EXPECT_FALSE(p.answer(*id, answer(3)));  // late: matches nothing
}

TEST(pending_requests, the_deadline_finishes_it_incomplete_with_what_came) {
  pending_requests p("u");
  const auto t0 = clock_type::now();
  std::optional<pending_requests::outcome> first, second;
  auto a = p.add(2, t0 + 100ms, [&](auto o) { first = std::move(o); });
  auto b = p.add(1, t0 + 300ms, [&](auto o) { second = std::move(o); });
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(p.next_deadline(), t0 + 100ms);
  p.answer(*a, answer(1));
  EXPECT_EQ(p.expire(t0 + 99ms), 0u);
  EXPECT_EQ(p.expire(t0 + 100ms), 1u);  // at the deadline
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->complete);
  EXPECT_EQ(first->answers.size(), 1u);
  EXPECT_FALSE(second);
  EXPECT_EQ(p.next_deadline(), t0 + 300ms);
  EXPECT_FALSE(p.answer(*a, answer(2)));
  p.answer(*b, answer(3));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->complete);
  EXPECT_FALSE(p.next_deadline());
}

TEST(pending_requests, none_expected_finishes_at_once) {
  pending_requests p("u");
  std::optional<pending_requests::outcome> got;
  EXPECT_TRUE(p.add(0, clock_type::now() + 1s, [&](auto o) { got = std::move(o); }));
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->complete);
  EXPECT_EQ(p.size(), 0u);
}

TEST(pending_requests, at_most_max_pending_wait_at_once) {
  pending_requests p("u", 2);
  const auto later = clock_type::now() + 1s;
  auto a = p.add(1, later, [](auto) {});
  EXPECT_TRUE(p.add(1, later, [](auto) {}));   // at the limit
  EXPECT_FALSE(p.add(1, later, [](auto) {}));  // one past it
  EXPECT_EQ(p.size(), 2u);
  p.answer(*a, answer(1));
  EXPECT_TRUE(p.add(1, later, [](auto) {}));  // room again
}

}  // namespace
}  // namespace chatgate::cluster::redis
