// Signature and header checks of auth::verifier (claims are in claims_test.cpp).
#include "auth/verifier.hpp"

#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "core/base64.hpp"
#include "test_tokens.hpp"

namespace chatgate::auth {
namespace {

using core::base64url_decode;
using core::base64url_encode;
using testing::sign;
using testing::unsigned_token;

constexpr std::int64_t now_s = 1'800'000'000;
const core::sys_time_ms now{std::chrono::seconds{now_s}};
const std::string secret = "0123456789abcdef0123456789abcdef";
const std::string alice = R"({"sub":"alice","exp":)" + std::to_string(now_s + 60) + "}";

verifier make(settings s) {
  return verifier::create(s).value();
}
verifier hs256() {
  return make({.secret = secret});
}

void expect_refused(const core::result<identity>& r, std::string_view reason) {
  ASSERT_FALSE(r.has_value()) << "accepted as " << r->user_id;
  EXPECT_EQ(r.error().code, core::error_code::unauthorized);
  EXPECT_NE(r.error().message.find(reason), std::string::npos) << r.error().message;
}

const testing::key_pair& rsa() {
  static const auto key = testing::make_rsa_key();
  return key;
}

const testing::key_pair& ec() {
  static const auto key = testing::make_ec_key();
  return key;
}

TEST(verifier, valid_hs256) {
  auto who = hs256().verify(sign(JWT_ALG_HS256, secret, alice), now);
  ASSERT_TRUE(who.has_value()) << who.error().message;
  EXPECT_EQ(who->user_id, "alice");
}

TEST(verifier, roles_claim_array_or_string_else_none) {
  auto with = [](std::string_view roles) {
    return std::string(R"({"sub":"alice","exp":)") + std::to_string(now_s + 60) +
           (roles.empty() ? "" : ",\"roles\":" + std::string(roles)) + "}";
  };
  auto roles = [&](std::string_view r) {
    auto who = hs256().verify(sign(JWT_ALG_HS256, secret, with(r)), now);
    EXPECT_TRUE(who.has_value());
    return who ? who->roles : std::vector<std::string>{"<refused>"};
  };
  EXPECT_EQ(roles(R"(["user","admin"])"), (std::vector<std::string>{"user", "admin"}));
  EXPECT_EQ(roles(R"("admin")"), std::vector<std::string>{"admin"});
  EXPECT_EQ(roles(R"([1,"admin",null])"), std::vector<std::string>{"admin"});
  EXPECT_TRUE(roles("").empty());
  EXPECT_TRUE(roles(R"({"admin":true})").empty());
  EXPECT_TRUE(roles("true").empty());
}

TEST(verifier, valid_rs256) {
  auto who = make({.public_key = rsa().public_pem})
                 .verify(sign(JWT_ALG_RS256, rsa().private_pem, alice), now);
  ASSERT_TRUE(who.has_value()) << who.error().message;
  EXPECT_EQ(who->user_id, "alice");
}

TEST(verifier, valid_es256_signed_by_libjwt) {
  auto who = make({.public_key = ec().public_pem})
                 .verify(sign(JWT_ALG_ES256, ec().private_pem, alice), now);
  ASSERT_TRUE(who.has_value()) << who.error().message;
  EXPECT_EQ(who->user_id, "alice");
}

TEST(verifier, valid_es256_in_jose_form_signed_by_openssl) {
  auto token = testing::sign_es256_openssl(ec().private_pem, alice);
  auto who = make({.public_key = ec().public_pem}).verify(token, now);
  ASSERT_TRUE(who.has_value()) << who.error().message;
  EXPECT_EQ(who->user_id, "alice");
}

TEST(verifier, secret_and_key_together_each_check_their_own_algorithm) {
  auto v = make({.secret = secret, .public_key = rsa().public_pem});
  EXPECT_TRUE(v.verify(sign(JWT_ALG_HS256, secret, alice), now).has_value());
  EXPECT_TRUE(v.verify(sign(JWT_ALG_RS256, rsa().private_pem, alice), now).has_value());
  // HMAC with the public key as its secret is still refused: HS256 uses only the secret.
  expect_refused(v.verify(sign(JWT_ALG_HS256, rsa().public_pem, alice), now), "bad signature");
}

TEST(verifier, missing_token) {
  expect_refused(hs256().verify("", now), "missing");
}

TEST(verifier, garbage_token) {
  expect_refused(hs256().verify("garbage", now), "not a JWS");
  expect_refused(hs256().verify("a.b", now), "not a JWS");
  expect_refused(hs256().verify("a.b.c.d", now), "not a JWS");
  expect_refused(hs256().verify("!!.??.**", now), "malformed header");
  expect_refused(hs256().verify(base64url_encode("[1]") + ".e30.c2ln", now), "malformed header");
}

TEST(verifier, header_without_alg) {
  auto token = base64url_encode(R"({"typ":"JWT"})") + "." + base64url_encode(alice) + ".c2ln";
  expect_refused(hs256().verify(token, now), "no 'alg'");
}

TEST(verifier, alg_none_without_signature) {
  expect_refused(hs256().verify(unsigned_token(R"({"alg":"none","typ":"JWT"})", alice), now),
                 "unsigned");
}

TEST(verifier, alg_none_with_a_signature_part) {
  auto token = unsigned_token(R"({"alg":"none"})", alice) + "c2ln";
  expect_refused(hs256().verify(token, now), "'none' is not accepted");
}

TEST(verifier, hs256_signed_with_the_public_key_is_refused_by_an_rs256_verifier) {
  auto forged = sign(JWT_ALG_HS256, rsa().public_pem, alice);
  expect_refused(make({.public_key = rsa().public_pem}).verify(forged, now),
                 "'HS256' is not accepted");
}

TEST(verifier, hs256_signed_with_the_ec_public_key_is_refused_by_an_es256_verifier) {
  auto forged = sign(JWT_ALG_HS256, ec().public_pem, alice);
  expect_refused(make({.public_key = ec().public_pem}).verify(forged, now),
                 "'HS256' is not accepted");
}

TEST(verifier, rs256_token_refused_by_an_ec_key) {
  expect_refused(make({.public_key = ec().public_pem})
                     .verify(sign(JWT_ALG_RS256, rsa().private_pem, alice), now),
                 "'RS256' is not accepted");
}

TEST(verifier, rs256_token_refused_when_only_a_secret_is_configured) {
  expect_refused(hs256().verify(sign(JWT_ALG_RS256, rsa().private_pem, alice), now),
                 "'RS256' is not accepted");
}

TEST(verifier, hs512_refused_by_an_hs256_verifier) {
  expect_refused(hs256().verify(sign(JWT_ALG_HS512, secret, alice), now),
                 "'HS512' is not accepted");
}

TEST(verifier, es256_token_refused_by_an_rsa_key) {
  expect_refused(make({.public_key = rsa().public_pem})
                     .verify(sign(JWT_ALG_ES256, ec().private_pem, alice), now),
                 "'ES256' is not accepted");
}

TEST(verifier, bad_signature_other_secret) {
  expect_refused(hs256().verify(sign(JWT_ALG_HS256, secret + "x", alice), now), "bad signature");
}

TEST(verifier, bad_signature_tampered_payload) {
  auto token = sign(JWT_ALG_HS256, secret, alice);
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  auto forged = token.substr(0, dot1 + 1) +
                base64url_encode(R"({"sub":"mallory","exp":)" + std::to_string(now_s + 60) + "}") +
                token.substr(dot2);
  expect_refused(hs256().verify(forged, now), "bad signature");
}

TEST(verifier, bad_signature_rs256_other_key) {
  auto other = testing::make_rsa_key();
  expect_refused(make({.public_key = rsa().public_pem})
                     .verify(sign(JWT_ALG_RS256, other.private_pem, alice), now),
                 "bad signature");
}

TEST(verifier, bad_signature_es256_other_key) {
  auto other = testing::make_ec_key();
  expect_refused(make({.public_key = ec().public_pem})
                     .verify(sign(JWT_ALG_ES256, other.private_pem, alice), now),
                 "bad signature");
}

TEST(verifier, any_typ_or_none_is_accepted) {
  // RFC 9068 access tokens say "at+jwt"; some providers send no typ at all.
  for (const char* header : {R"({"alg":"HS256","typ":"at+jwt"})", R"({"alg":"HS256"})",
                             R"({"kid":"k1","alg":"HS256","typ":"JWT"})"}) {
    auto who = hs256().verify(testing::sign_hs256_raw(header, alice, secret), now);
    ASSERT_TRUE(who.has_value()) << header << ": " << who.error().message;
    EXPECT_EQ(who->user_id, "alice");
  }
}

TEST(verifier, signature_that_is_not_base64url) {
  auto token = sign(JWT_ALG_HS256, secret, alice);
  token.back() = '+';
  expect_refused(hs256().verify(token, now), "bad signature");
}

TEST(verifier, padded_signature_is_a_second_spelling_and_refused) {
  auto token = sign(JWT_ALG_HS256, secret, alice);
  ASSERT_TRUE(hs256().verify(token, now));
  // An HS256 signature is 32 bytes: 43 base64url characters, which padding would make 44.
  expect_refused(hs256().verify(token + "=", now), "bad signature");
}

TEST(verifier, es256_signature_one_byte_short_or_long) {
  auto token = sign(JWT_ALG_ES256, ec().private_pem, alice);
  const auto dot2 = token.rfind('.');
  auto raw = base64url_decode(token.substr(dot2 + 1)).value();
  ASSERT_EQ(raw.size(), 64u);
  auto v = make({.public_key = ec().public_pem});
  EXPECT_TRUE(v.verify(token, now));
  const auto input = token.substr(0, dot2 + 1);
  expect_refused(v.verify(input + base64url_encode(raw.substr(0, 63)), now), "bad signature");
  expect_refused(v.verify(input + base64url_encode(raw + "x"), now), "bad signature");
}

TEST(verifier, one_instance_shared_by_threads) {
  const auto v = make({.secret = secret, .public_key = ec().public_pem});
  const auto hs = sign(JWT_ALG_HS256, secret, alice);
  const auto es = sign(JWT_ALG_ES256, ec().private_pem, alice);
  const auto bad = sign(JWT_ALG_HS256, "wrong", alice);
  std::vector<int> accepted(4, 0);
  std::vector<std::thread> pool;
  pool.reserve(accepted.size());
  for (std::size_t t = 0; t < accepted.size(); ++t)
    pool.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i)
        accepted[t] += (v.verify(hs, now) ? 1 : 0) + (v.verify(es, now) ? 1 : 0) +
                       (v.verify(bad, now) ? 1 : 0);
    });
  for (auto& th : pool) th.join();
  for (int n : accepted) EXPECT_EQ(n, 400);
}

TEST(verifier, no_mutation_of_a_valid_token_is_accepted) {
  const auto v = hs256();
  const auto token = sign(JWT_ALG_HS256, secret, alice);
  ASSERT_TRUE(v.verify(token, now));
  const std::string_view chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
  std::mt19937 rng(12345);
  int tried = 0;
  for (int i = 0; i < 5000; ++i) {
    auto t = token;
    const auto pos = rng() % t.size();
    switch (rng() % 3) {
      case 0:
        t[pos] = chars[rng() % chars.size()];
        break;
      case 1:
        t.erase(pos, 1 + rng() % 3);
        break;
      default:
        t.insert(pos, 1, chars[rng() % chars.size()]);
    }
    if (t == token) continue;
    ++tried;
    ASSERT_FALSE(v.verify(t, now)) << "accepted mutation " << t;
  }
  EXPECT_GT(tried, 4500);
}

TEST(verifier, non_canonical_spelling_of_the_signature_is_refused) {
  // 32 signature bytes take 43 characters; the last one has 2 unused bits. Setting one gives
  // the same bytes in another spelling: a second valid token unless decoding is canonical.
  const auto token = sign(JWT_ALG_HS256, secret, alice);
  const std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  auto twin = token;
  twin.back() = alphabet[alphabet.find(token.back()) | 1];
  ASSERT_NE(twin, token);
  expect_refused(hs256().verify(twin, now), "bad signature");
}

TEST(verifier, header_alg_is_case_sensitive) {
  expect_refused(hs256().verify(testing::sign_hs256_raw(R"({"alg":"hs256"})", alice, secret), now),
                 "'hs256' is not accepted");
}

}  // namespace
}  // namespace chatgate::auth
