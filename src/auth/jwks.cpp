#include "auth/jwks.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <boost/json/parse.hpp>

#include "core/base64.hpp"

namespace chatgate::auth {
namespace {

constexpr std::size_t max_keys = 100;
constexpr int min_rsa_bits = 2048;

core::error bad(std::string message) {
  return core::make_error(core::error_code::unauthorized, std::move(message));
}

using bn_ptr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

/// A positive big-endian integer from base64url; nullptr when it does not decode or is empty.
bn_ptr big_number(std::string_view b64) {
  auto raw = core::base64url_decode(b64);
  if (!raw || raw->empty()) return bn_ptr(nullptr, &BN_free);
  return bn_ptr(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw->data()),
                          static_cast<int>(raw->size()), nullptr),
                &BN_free);
}

/// EVP_PKEY_fromdata for a public key of `type` ("RSA", "EC") from the built params.
std::shared_ptr<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(OSSL_PARAM_BLD_to_param(bld),
                                                                 &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return nullptr;
  return std::shared_ptr<EVP_PKEY>(key, &EVP_PKEY_free);
}

std::string text_member(const boost::json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

/// The key of one JWK object, or why it is skipped.
core::result<jwk_key> read_key(const boost::json::object& jwk) {
  jwk_key out;
  out.kid = text_member(jwk, "kid");
  if (out.kid.empty()) return bad("no kid");
  const std::string use = text_member(jwk, "use");
  if (jwk.contains("use") && use != "sig") return bad("use is not sig");
  const std::string kty = text_member(jwk, "kty"), alg = text_member(jwk, "alg");
  if (kty == "RSA") {
    if (jwk.contains("alg") && alg != "RS256") return bad("alg " + alg + " is not RS256");
    auto key = rsa_from_jwk(text_member(jwk, "n"), text_member(jwk, "e"));
    if (!key) return key.error();
    out.alg = algorithm::rs256;
    out.key = std::move(*key);
    return out;
  }
  if (kty == "EC") {
    if (text_member(jwk, "crv") != "P-256") return bad("crv is not P-256");
    if (jwk.contains("alg") && alg != "ES256") return bad("alg " + alg + " is not ES256");
    auto key = ec_p256_from_jwk(text_member(jwk, "x"), text_member(jwk, "y"));
    if (!key) return key.error();
    out.alg = algorithm::es256;
    out.key = std::move(*key);
    return out;
  }
  return bad("kty " + kty + " is not RSA or EC");
}

}  // namespace

core::result<std::shared_ptr<EVP_PKEY>> rsa_from_jwk(std::string_view n, std::string_view e) {
  auto bn_n = big_number(n), bn_e = big_number(e);
  if (!bn_n || !bn_e) return bad("RSA n or e is not base64url");
  if (BN_num_bits(bn_n.get()) < min_rsa_bits) return bad("RSA modulus under 2048 bits");
  if (!BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get())) return bad("RSA exponent is not odd > 1");
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      &OSSL_PARAM_BLD_free);
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return bad("RSA key: out of memory");
  auto key = from_params("RSA", bld.get());
  if (!key) return bad("RSA key refused by OpenSSL");
  return key;
}

core::result<std::shared_ptr<EVP_PKEY>> ec_p256_from_jwk(std::string_view x, std::string_view y) {
  auto bx = core::base64url_decode(x), by = core::base64url_decode(y);
  if (!bx || !by || bx->size() != 32 || by->size() != 32)
    return bad("EC x and y must be 32 bytes of base64url");
  const std::string point = "\x04" + *bx + *by;  // SEC1 uncompressed
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> bld(OSSL_PARAM_BLD_new(),
                                                                      &OSSL_PARAM_BLD_free);
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1)
    return bad("EC key: out of memory");
  auto key = from_params("EC", bld.get());
  if (!key) return bad("EC point refused by OpenSSL");
  // fromdata does not promise a curve check: a point off the curve must not become a key.
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr), &EVP_PKEY_CTX_free);
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return bad("EC point is not on P-256");
  return key;
}

core::result<jwks_document> parse_jwks(std::string_view json) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(json, ec);
  const auto* obj = ec ? nullptr : doc.if_object();
  const auto* keys = obj ? obj->if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return bad("JWKS: not a JSON object with a keys array");
  if (keys->as_array().size() > max_keys) return bad("JWKS: more than 100 keys");
  jwks_document out;
  std::size_t i = 0;
  for (const auto& entry : keys->as_array()) {
    ++i;
    const auto* jwk = entry.if_object();
    auto key = jwk ? read_key(*jwk) : core::result<jwk_key>(bad("not an object"));
    if (key) {
      out.keys.push_back(std::move(*key));
    } else {
      const std::string kid = jwk ? text_member(*jwk, "kid") : std::string();
      out.skipped.push_back("key " + std::to_string(i) + (kid.empty() ? "" : " (kid " + kid + ")") +
                            ": " + key.error().message);
    }
  }
  return out;
}

}  // namespace chatgate::auth
