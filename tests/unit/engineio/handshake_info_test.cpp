#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engineio/handshake_info.hpp"

namespace chatgate::engineio {
namespace {

using pairs = std::vector<std::pair<std::string, std::string>>;

pairs all(const string_pairs& list) {
  pairs out;
  for (const auto [name, value] : list) out.emplace_back(name, value);
  return out;
}

TEST(handshake_info, headers_lower_case_sorted_and_repeats_joined) {
  handshake_info hs("/socket.io/?EIO=4", "10.0.0.1",
                    {{"User-Agent", "ua"}, {"Cookie", "a=1"}, {"host", "h"}, {"COOKIE", "b=2"}},
                    {});
  EXPECT_EQ(all(hs.headers()),
            (pairs{{"cookie", "a=1, b=2"}, {"host", "h"}, {"user-agent", "ua"}}));
  EXPECT_EQ(hs.headers().size(), 3u);
  EXPECT_EQ(hs.headers().find("cookie"), "a=1, b=2");
  EXPECT_EQ(hs.headers().find("Cookie"), std::nullopt);  // names are lower case
  EXPECT_EQ(hs.url(), "/socket.io/?EIO=4");
  EXPECT_EQ(hs.remote_address(), "10.0.0.1");
  EXPECT_TRUE(hs.query().empty());
}

TEST(handshake_info, query_and_headers_are_separate_lists) {
  handshake_info hs("/", "::1", {{"token", "header"}},
                    {{"EIO", "4"}, {"token", "q"}, {"transport", "websocket"}, {"", "empty"}});
  EXPECT_EQ(all(hs.query()),
            (pairs{{"", "empty"}, {"EIO", "4"}, {"token", "q"}, {"transport", "websocket"}}));
  EXPECT_EQ(hs.query().find("token"), "q");
  EXPECT_EQ(hs.headers().find("token"), "header");
  EXPECT_EQ(hs.query().find(""), "empty");
  EXPECT_EQ(hs.query().find("sid"), std::nullopt);
  EXPECT_EQ(hs.query().find("a"), std::nullopt);
  EXPECT_EQ(hs.query().find("zzz"), std::nullopt);
}

TEST(handshake_info, values_may_hold_any_bytes_and_be_empty) {
  const std::string nul("a\0b", 3);
  handshake_info hs("", "", {{"x-empty", ""}}, {{"bin", nul}, {"e", ""}});
  EXPECT_EQ(hs.query().find("bin"), std::string_view(nul));
  EXPECT_EQ(hs.query().find("e"), "");
  EXPECT_EQ(hs.headers().find("x-empty"), "");
  EXPECT_EQ(hs.url(), "");
  EXPECT_EQ(hs.remote_address(), "");
}

TEST(handshake_info, default_is_empty) {
  handshake_info hs;
  EXPECT_TRUE(hs.headers().empty());
  EXPECT_TRUE(hs.query().empty());
  EXPECT_EQ(hs.headers().begin(), hs.headers().end());
  EXPECT_EQ(hs.url(), "");
  EXPECT_EQ(hs.remote_address(), "");
}

TEST(handshake_info, many_headers_found_by_binary_search) {
  handshake_info::pair_list headers;
  for (int i = 0; i < 40; ++i) headers.emplace_back("x-h" + std::to_string(i), std::to_string(i));
  handshake_info hs("/", "a", headers, {});
  for (int i = 0; i < 40; ++i)
    EXPECT_EQ(hs.headers().find("x-h" + std::to_string(i)), std::to_string(i));
  EXPECT_EQ(hs.headers().size(), 40u);
  // One block and one table: everything the request kept, plus the offsets.
  EXPECT_LT(hs.heap_bytes(), 40u * (6 + 2) + 2 + 4u * (2 + 80) + 64);
}

}  // namespace
}  // namespace chatgate::engineio
