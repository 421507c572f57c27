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

TEST(clock, iso8601_pads_every_field_and_matches_the_general_format) {
  // Single-digit fields, the epoch, the last millisecond of a year and a leap day.
  for (const char* s :
       {"1970-01-01T00:00:00.000Z", "2001-02-03T04:05:06.007Z", "2024-02-29T23:59:59.999Z",
        "0999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"}) {
    auto t = parse_iso8601(s);
    ASSERT_TRUE(t.has_value()) << s;
    EXPECT_EQ(to_iso8601(*t), s);
  }
  // Past year 9999 the layout grows (the general path), as before.
  using namespace std::chrono;
  const sys_time_ms far{sys_days{year{10000} / 1 / 1}.time_since_epoch()};
  EXPECT_EQ(to_iso8601(far), "10000-01-01T00:00:00.000Z");
}
