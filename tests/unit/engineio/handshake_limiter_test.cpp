// The per-address handshake limit (contract §9 CONNECT_RATE_LIMIT), with explicit times.
#include <gtest/gtest.h>

#include "engineio/handshake_limiter.hpp"

namespace {

using namespace chatgate::engineio;
using namespace std::chrono_literals;
using boost::asio::ip::make_address;

const auto t0 = handshake_limiter::clock::time_point(1h);

TEST(handshake_limiter, burst_at_the_limit_passes_and_one_past_it_waits) {
  handshake_limiter l({20, 1000ms, 100});
  const auto a = make_address("127.0.0.1");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(l.acquire(a, t0), 0ms) << i;
  const auto wait = l.acquire(a, t0);
  EXPECT_EQ(wait, 50ms);  // one handshake's share of the window
  EXPECT_GT(l.acquire(a, t0 + 49ms), 0ms);
  EXPECT_EQ(l.acquire(a, t0 + 50ms), 0ms);
  EXPECT_GT(l.acquire(a, t0 + 50ms), 0ms);
}

TEST(handshake_limiter, sustained_rate_is_limit_per_window) {
  handshake_limiter l({20, 1000ms, 100});
  const auto a = make_address("10.0.0.1");
  int allowed = 0;
  // 2000 attempts over 2 s: the burst of 20, then one per 50 ms.
  for (int i = 0; i < 2000; ++i)
    if (l.acquire(a, t0 + std::chrono::milliseconds(i)) == 0ms) ++allowed;
  EXPECT_GE(allowed, 59);
  EXPECT_LE(allowed, 61);
}

TEST(handshake_limiter, addresses_are_counted_apart) {
  handshake_limiter l({2, 1000ms, 100});
  const auto a = make_address("127.0.0.1"), b = make_address("127.0.0.2");
  EXPECT_EQ(l.acquire(a, t0), 0ms);
  EXPECT_EQ(l.acquire(a, t0), 0ms);
  EXPECT_GT(l.acquire(a, t0), 0ms);
  EXPECT_EQ(l.acquire(b, t0), 0ms);
  // An IPv4-mapped IPv6 address is the same client as the IPv4 one.
  EXPECT_GT(l.acquire(make_address("::ffff:127.0.0.1"), t0), 0ms);
  EXPECT_EQ(l.tracked(), 2u);
}

TEST(handshake_limiter, ipv6_counts_per_64_prefix) {
  handshake_limiter l({1, 1000ms, 100});
  EXPECT_EQ(l.acquire(make_address("2001:db8:1:2::1"), t0), 0ms);
  EXPECT_GT(l.acquire(make_address("2001:db8:1:2:ffff::9"), t0), 0ms);  // same /64
  EXPECT_EQ(l.acquire(make_address("2001:db8:1:3::1"), t0), 0ms);       // another /64
}

TEST(handshake_limiter, table_is_bounded_and_forgets_the_least_recently_seen) {
  handshake_limiter l({1, 1000ms, 2});
  const auto a = make_address("1.0.0.1"), b = make_address("1.0.0.2"), c = make_address("1.0.0.3");
  EXPECT_EQ(l.acquire(a, t0), 0ms);
  EXPECT_EQ(l.acquire(b, t0), 0ms);
  EXPECT_GT(l.acquire(a, t0), 0ms);  // a is now the most recently seen
  EXPECT_EQ(l.tracked(), 2u);        // at the bound
  EXPECT_EQ(l.acquire(c, t0), 0ms);  // one past it: b is forgotten
  EXPECT_EQ(l.tracked(), 2u);
  EXPECT_EQ(l.evictions(), 1u);
  EXPECT_GT(l.acquire(a, t0), 0ms);  // a is still remembered and still limited
  EXPECT_EQ(l.acquire(b, t0), 0ms);  // b starts again with a full budget
}

TEST(handshake_limiter, many_addresses_keep_memory_bounded) {
  handshake_limiter l({20, 1000ms, 1000});
  for (std::uint32_t i = 0; i < 100'000; ++i)
    l.acquire(boost::asio::ip::address_v4(0x0a000000u + i), t0);
  EXPECT_EQ(l.tracked(), 1000u);
  EXPECT_EQ(l.evictions(), 99'000u);
}

TEST(handshake_limiter, zero_limit_is_off) {
  handshake_limiter l({0, 1000ms, 10});
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(l.acquire(make_address("127.0.0.1"), t0), 0ms);
  EXPECT_EQ(l.tracked(), 0u);
}

}  // namespace
