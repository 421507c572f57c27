// Claim checks of auth::verifier: exp, nbf, iss, aud, user id.
#include <gtest/gtest.h>

#include "auth/verifier.hpp"
#include "test_tokens.hpp"

namespace chatgate::auth {
namespace {

constexpr std::int64_t now_s = 1'800'000'000;
const core::sys_time_ms now{std::chrono::seconds{now_s}};
const std::string secret = "claims-secret";

core::result<identity> check(const std::string& claims, settings s = {}) {
  s.secret = secret;
  return verifier::create(s).value().verify(testing::sign(JWT_ALG_HS256, secret, claims), now);
}

std::string with_exp(std::int64_t exp) {
  return R"({"sub":"alice","exp":)" + std::to_string(exp) + "}";
}

void expect_refused(const core::result<identity>& r, std::string_view reason) {
  ASSERT_FALSE(r.has_value()) << "accepted as " << r->user_id;
  EXPECT_EQ(r.error().code, core::error_code::unauthorized);
  EXPECT_NE(r.error().message.find(reason), std::string::npos) << r.error().message;
}

TEST(claims, exp_one_second_ahead_is_valid) {
  EXPECT_TRUE(check(with_exp(now_s + 1)));
}

TEST(claims, exp_equal_to_now_is_expired) {
  expect_refused(check(with_exp(now_s)), "expired");
}

TEST(claims, exp_in_the_past_is_expired) {
  expect_refused(check(with_exp(now_s - 1)), "expired");
}

TEST(claims, exp_within_the_last_millisecond_of_its_second) {
  // Whole seconds, as jsonwebtoken: 999 ms into second exp-1 is still valid.
  auto token = testing::sign(JWT_ALG_HS256, secret, with_exp(now_s + 1));
  auto v = verifier::create({.secret = secret}).value();
  EXPECT_TRUE(v.verify(token, now + std::chrono::milliseconds{999}));
  expect_refused(v.verify(token, now + std::chrono::milliseconds{1000}), "expired");
}

TEST(claims, leeway_at_and_past_the_limit) {
  EXPECT_TRUE(check(with_exp(now_s - 4), {.leeway = std::chrono::seconds{5}}));
  expect_refused(check(with_exp(now_s - 5), {.leeway = std::chrono::seconds{5}}), "expired");
}

TEST(claims, exp_not_a_number) {
  expect_refused(check(R"({"sub":"alice","exp":"tomorrow"})"), "'exp' is not a number");
}

TEST(claims, no_exp_is_accepted) {
  EXPECT_TRUE(check(R"({"sub":"alice"})"));
}

TEST(claims, nbf_now_is_valid) {
  EXPECT_TRUE(check(R"({"sub":"alice","nbf":)" + std::to_string(now_s) + "}"));
}

TEST(claims, nbf_in_the_future) {
  expect_refused(check(R"({"sub":"alice","nbf":)" + std::to_string(now_s + 1) + "}"),
                 "not valid yet");
}

TEST(claims, nbf_not_a_number) {
  expect_refused(check(R"({"sub":"alice","nbf":true})"), "'nbf' is not a number");
}

TEST(claims, issuer_matches) {
  EXPECT_TRUE(check(R"({"sub":"alice","iss":"idp"})", {.issuer = "idp"}));
}

TEST(claims, wrong_issuer) {
  expect_refused(check(R"({"sub":"alice","iss":"evil"})", {.issuer = "idp"}), "wrong issuer");
}

TEST(claims, missing_issuer_when_required) {
  expect_refused(check(R"({"sub":"alice"})", {.issuer = "idp"}), "wrong issuer");
}

TEST(claims, issuer_ignored_when_not_configured) {
  EXPECT_TRUE(check(R"({"sub":"alice","iss":"anyone"})"));
}

TEST(claims, audience_string_matches) {
  EXPECT_TRUE(check(R"({"sub":"alice","aud":"chat"})", {.audience = "chat"}));
}

TEST(claims, audience_array_containing_it_matches) {
  EXPECT_TRUE(check(R"({"sub":"alice","aud":["other","chat"]})", {.audience = "chat"}));
}

TEST(claims, wrong_audience_string) {
  expect_refused(check(R"({"sub":"alice","aud":"other"})", {.audience = "chat"}), "wrong audience");
}

TEST(claims, wrong_audience_array) {
  expect_refused(check(R"({"sub":"alice","aud":["other",1]})", {.audience = "chat"}),
                 "wrong audience");
}

TEST(claims, missing_audience_when_required) {
  expect_refused(check(R"({"sub":"alice"})", {.audience = "chat"}), "wrong audience");
}

TEST(claims, external_user_id_wins_over_sub) {
  auto who = check(R"({"sub":"idp|123","externalUserId":"alice"})");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->user_id, "alice");
}

TEST(claims, empty_external_user_id_falls_back_to_sub) {
  auto who = check(R"({"sub":"bob","externalUserId":""})");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->user_id, "bob");
}

TEST(claims, external_user_id_alone) {
  auto who = check(R"({"externalUserId":"carol"})");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->user_id, "carol");
}

TEST(claims, missing_user_id) {
  expect_refused(check(R"({"name":"x"})"), "no user id");
}

TEST(claims, user_id_not_a_string) {
  expect_refused(check(R"({"sub":42,"externalUserId":7})"), "no user id");
}

}  // namespace
}  // namespace chatgate::auth
