// JWKS documents and JWK -> OpenSSL key conversion: keys generated here, exported as JWK, parsed
// back, and a signature made with the private half checked with the parsed public key.
#include <gtest/gtest.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "auth/jwks.hpp"
#include "auth/jwks_fetcher.hpp"
#include "auth/jwks_keys.hpp"
#include "auth/signature_checker.hpp"
#include "auth/verifier.hpp"
#include "core/base64.hpp"

namespace chatgate::auth {
namespace {

using pkey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string b64(const BIGNUM* bn, int pad = 0) {
  std::string raw(static_cast<std::size_t>(std::max(BN_num_bytes(bn), pad)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  return core::base64url_encode(raw);
}

std::string bn_param(EVP_PKEY* k, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(k, name, &bn);
  auto out = b64(bn, pad);
  BN_free(bn);
  return out;
}

/// ES256 (R || S) or RS256 signature of `input` with private key `k`.
std::string sign(EVP_PKEY* k, std::string_view input, bool ec) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, k);
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx.get(), nullptr, &len, in, input.size());
  std::string der(len, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, in, input.size());
  der.resize(len);
  if (!ec) return der;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return raw;
}

struct jwks_test : ::testing::Test {
  // Generated once for the suite: RSA key generation takes about a second under ASan.
  static void SetUpTestSuite() {
    rsa.reset(EVP_RSA_gen(2048));
    ec.reset(EVP_EC_gen("P-256"));
  }
  static void TearDownTestSuite() {
    rsa.reset();
    ec.reset();
  }
  static inline pkey rsa{nullptr, &EVP_PKEY_free};
  static inline pkey ec{nullptr, &EVP_PKEY_free};

  std::string rsa_jwk(std::string kid, std::string extra = "") {
    return R"({"kty":"RSA","kid":")" + kid + R"(","n":")" +
           bn_param(rsa.get(), OSSL_PKEY_PARAM_RSA_N) + R"(","e":")" +
           bn_param(rsa.get(), OSSL_PKEY_PARAM_RSA_E) + "\"" + extra + "}";
  }
  std::string ec_jwk(std::string kid, std::string extra = "") {
    return R"({"kty":"EC","crv":"P-256","kid":")" + kid + R"(","x":")" +
           bn_param(ec.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32) + R"(","y":")" +
           bn_param(ec.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32) + "\"" + extra + "}";
  }
};

TEST_F(jwks_test, rsa_and_ec_keys_round_trip_through_a_document) {
  auto doc = parse_jwks(R"({"keys":[)" + rsa_jwk("r1", R"(,"alg":"RS256","use":"sig")") + "," +
                        ec_jwk("e1", R"(,"alg":"ES256")") + "]}");
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_EQ(doc->keys.size(), 2u);
  EXPECT_TRUE(doc->skipped.empty());
  EXPECT_EQ(doc->keys[0].kid, "r1");
  EXPECT_EQ(doc->keys[0].alg, algorithm::rs256);
  EXPECT_EQ(doc->keys[1].alg, algorithm::es256);
  const std::string input = "header.payload";
  auto rs = signature_checker::for_pkey(algorithm::rs256, doc->keys[0].key);
  EXPECT_TRUE(rs.verify(input, sign(rsa.get(), input, false)));
  EXPECT_FALSE(rs.verify("header.payloae", sign(rsa.get(), input, false)));
  auto es = signature_checker::for_pkey(algorithm::es256, doc->keys[1].key);
  EXPECT_TRUE(es.verify(input, sign(ec.get(), input, true)));
  EXPECT_FALSE(es.verify(input, sign(rsa.get(), input, false)));
}

TEST_F(jwks_test, unusable_keys_are_skipped_with_a_reason) {
  auto doc = parse_jwks(R"({"keys":[)" + rsa_jwk("ok") + "," + rsa_jwk("a", R"(,"alg":"HS256")") +
                        "," + rsa_jwk("u", R"(,"use":"enc")") + "," + rsa_jwk("") + "," +
                        R"({"kty":"oct","kid":"s","k":"c2VjcmV0"},)" +
                        R"({"kty":"EC","crv":"P-384","kid":"p","x":"AA","y":"AA"},)" +
                        R"({"kty":"EC","crv":"P-256","kid":"short","x":"AAAA","y":"AAAA"},)" +
                        R"({"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}, 7]})");
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->keys.size(), 1u);
  EXPECT_EQ(doc->keys[0].kid, "ok");
  EXPECT_EQ(doc->skipped.size(), 8u);
}

TEST_F(jwks_test, an_ec_point_off_the_curve_is_refused) {
  std::string x(32, '\x01'), y(32, '\x02');
  auto key = ec_p256_from_jwk(core::base64url_encode(x), core::base64url_encode(y));
  EXPECT_FALSE(key);
}

TEST_F(jwks_test, an_rsa_modulus_at_2048_bits_passes_and_under_it_fails) {
  pkey small{EVP_RSA_gen(1024), &EVP_PKEY_free};
  EXPECT_FALSE(rsa_from_jwk(bn_param(small.get(), OSSL_PKEY_PARAM_RSA_N),
                            bn_param(small.get(), OSSL_PKEY_PARAM_RSA_E)));
  EXPECT_TRUE(rsa_from_jwk(bn_param(rsa.get(), OSSL_PKEY_PARAM_RSA_N),
                           bn_param(rsa.get(), OSSL_PKEY_PARAM_RSA_E)));
}

TEST_F(jwks_test, documents_that_are_not_a_key_set_are_errors) {
  for (std::string_view bad : {"", "[]", "{}", R"({"keys":{}})", "{\"keys\":[", "null"})
    EXPECT_FALSE(parse_jwks(bad)) << bad;
  std::string many = R"({"keys":[)";
  for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + "{}";
  EXPECT_FALSE(parse_jwks(many + "]}"));
  EXPECT_TRUE(parse_jwks(R"({"keys":[]})"));
}

TEST_F(jwks_test, verifier_picks_the_key_by_kid_and_reports_unknown_kids) {
  auto keys = std::make_shared<jwks_keys>();
  auto doc = parse_jwks(R"({"keys":[)" + rsa_jwk("r1") + "," + ec_jwk("e1") + "]}");
  ASSERT_TRUE(doc);
  keys->replace(doc->keys);
  int unknown = 0;
  keys->on_unknown_kid([&] { ++unknown; });
  auto v = verifier::create(settings{{}, {}, {}, {}, {}, keys});
  ASSERT_TRUE(v);
  const auto now = core::sys_time_ms(std::chrono::milliseconds(1'800'000'000'000));
  auto token = [&](std::string header, EVP_PKEY* k, bool ec_sig) {
    const std::string input = core::base64url_encode(header) + "." +
                              core::base64url_encode(R"({"sub":"u1","exp":1900000000})");
    return input + "." + core::base64url_encode(sign(k, input, ec_sig));
  };
  auto ok = v->verify(token(R"({"alg":"RS256","kid":"r1"})", rsa.get(), false), now);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->user_id, "u1");
  EXPECT_TRUE(v->verify(token(R"({"alg":"ES256","kid":"e1"})", ec.get(), true), now));
  EXPECT_EQ(unknown, 0);
  EXPECT_FALSE(v->verify(token(R"({"alg":"RS256","kid":"nope"})", rsa.get(), false), now));
  EXPECT_EQ(unknown, 1);
  // The EC kid with an RS256 header, the RSA kid signed by the EC key, HS256, no kid: refused.
  EXPECT_FALSE(v->verify(token(R"({"alg":"RS256","kid":"e1"})", rsa.get(), false), now));
  EXPECT_FALSE(v->verify(token(R"({"alg":"ES256","kid":"r1"})", ec.get(), true), now));
  EXPECT_FALSE(v->verify(token(R"({"alg":"HS256","kid":"r1"})", rsa.get(), false), now));
  EXPECT_FALSE(v->verify(token(R"({"alg":"RS256"})", rsa.get(), false), now));
  EXPECT_FALSE(v->verify(token(R"({"alg":"RS256","kid":7})", rsa.get(), false), now));
  EXPECT_EQ(unknown, 1);
}

TEST(jwks_cache, max_age_is_read_from_cache_control) {
  EXPECT_EQ(cache_max_age("public, max-age=300, must-revalidate"), 300);
  EXPECT_EQ(cache_max_age("max-age=0"), 0);
  EXPECT_EQ(cache_max_age("no-store"), 0);
  EXPECT_EQ(cache_max_age("no-cache, max-age=60"), 0);
  EXPECT_EQ(cache_max_age("public"), std::nullopt);
  EXPECT_EQ(cache_max_age("max-age="), std::nullopt);
  EXPECT_EQ(cache_max_age("max-age=-5"), std::nullopt);
  EXPECT_EQ(cache_max_age(""), std::nullopt);
}

TEST(jwks_fetcher, bad_urls_are_refused_at_creation) {
  boost::asio::io_context ioc;
  for (std::string url : {"ftp://x/jwks", "http://", "not a url", "https:///path"}) {
    jwks_fetch_settings s;
    s.url = url;
    EXPECT_FALSE(jwks_fetcher::create(ioc.get_executor(), s, std::make_shared<jwks_keys>())) << url;
  }
  jwks_fetch_settings ok;
  ok.url = "https://idp.example/.well-known/jwks.json";
  EXPECT_TRUE(jwks_fetcher::create(ioc.get_executor(), ok, std::make_shared<jwks_keys>()));
}

}  // namespace
}  // namespace chatgate::auth
