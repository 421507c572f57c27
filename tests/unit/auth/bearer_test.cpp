#include "auth/bearer.hpp"

#include <gtest/gtest.h>

namespace chatgate::auth {
namespace {

using token = std::optional<std::string_view>;

TEST(bearer_token, reads_the_token_after_the_scheme) {
  EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), token("abc.def.ghi"));
  EXPECT_EQ(bearer_token("bearer t1"), token("t1"));  // scheme case-insensitive
  EXPECT_EQ(bearer_token("BEARER   t2  "), token("t2"));
}

TEST(bearer_token, no_token_is_nullopt_never_empty) {
  for (std::string_view bad : {"", "Bearer", "Bearer ", "Bearer    ", "Basic abc", "Bearerabc",
                               "Token abc", " Bearer abc"})
    EXPECT_EQ(bearer_token(bad), std::nullopt) << '"' << bad << '"';
}

}  // namespace
}  // namespace chatgate::auth
