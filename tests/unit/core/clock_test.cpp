#include "core/clock.hpp"

#include <gtest/gtest.h>

using namespace chatgate::core;

TEST(clock, iso8601_round_trip) {
  auto t = parse_iso8601("2026-11-25T21:04:05.123Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(to_iso8601(*t), "2026-11-25T21:04:05.123Z");
  EXPECT_EQ(to_epoch_ms(*t), 1795640645123);
}

TEST(clock, iso8601_rejects_other_shapes) {
  EXPECT_FALSE(parse_iso8601("2026-11-25T21:04:05Z"));
  EXPECT_FALSE(parse_iso8601("2026-13-25T21:04:05.123Z"));
  EXPECT_FALSE(parse_iso8601("2026-02-30T21:04:05.123Z"));
  EXPECT_FALSE(parse_iso8601("2026-11-25 21:04:05.123Z"));
}
