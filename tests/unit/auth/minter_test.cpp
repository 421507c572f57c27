#include "auth/minter.hpp"

#include <set>

#include <gtest/gtest.h>

#include "auth/verifier.hpp"

namespace chatgate::auth {
namespace {

const core::sys_time_ms now{std::chrono::seconds{1'800'000'000}};

TEST(minter, minted_token_verifies_until_its_ttl) {
  settings s{.secret = "mint-secret"};
  auto token = minter(s).mint("alice", std::chrono::hours{1}, now);
  auto v = verifier::create(s).value();
  auto who = v.verify(token, now + std::chrono::seconds{3599});
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->user_id, "alice");
  EXPECT_FALSE(v.verify(token, now + std::chrono::seconds{3600}));
}

TEST(minter, adds_issuer_and_audience_the_verifier_requires) {
  settings s{.secret = "mint-secret", .issuer = "chatgate", .audience = "chat"};
  auto token = minter(s).mint("bob", std::chrono::minutes{5});
  EXPECT_TRUE(verifier::create(s).value().verify(token));
}

TEST(minter, token_of_another_secret_is_refused) {
  auto token = minter({.secret = "one"}).mint("alice", std::chrono::minutes{5});
  EXPECT_FALSE(verifier::create({.secret = "two"}).value().verify(token));
}

TEST(minter, needs_a_secret) {
  EXPECT_THROW(minter(settings{}), std::invalid_argument);
}

TEST(minter, dev_secret_is_64_hex_and_random) {
  std::set<std::string> seen;
  for (int i = 0; i < 16; ++i) {
    auto s = generate_dev_secret();
    ASSERT_EQ(s.size(), 64u);
    EXPECT_EQ(s.find_first_not_of("0123456789abcdef"), std::string::npos);
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 16u);
}

}  // namespace
}  // namespace chatgate::auth
