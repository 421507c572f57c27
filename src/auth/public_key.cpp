#include "auth/public_key.hpp"

#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace chatgate::auth {
namespace {

using pkey_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

core::error key_error(const std::string& message) {
  return core::make_error(core::error_code::internal_error, "JWT_PUBLIC_KEY: " + message);
}

core::result<std::string> read_pem(std::string_view value) {
  if (value.starts_with("-----BEGIN")) return std::string(value);
  std::ifstream in{std::string(value), std::ios::binary};
  if (!in) return key_error("not PEM text and no readable file at '" + std::string(value) + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

pkey_ptr parse_pem(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return {nullptr, &EVP_PKEY_free};
  return {PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free};
}

}  // namespace

std::string_view to_string(algorithm alg) noexcept {
  switch (alg) {
    case algorithm::hs256:
      return "HS256";
    case algorithm::rs256:
      return "RS256";
    case algorithm::es256:
      return "ES256";
  }
  return "?";
}

core::result<public_key> load_public_key(std::string_view value) {
  auto pem = read_pem(value);
  if (!pem) return pem.error();
  auto key = parse_pem(*pem);
  if (!key) return key_error("not a PEM public key (expected \"-----BEGIN PUBLIC KEY-----\")");
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
      return public_key{std::move(*pem), algorithm::rs256};
    case EVP_PKEY_EC: {
      char group[64] = {};
      std::size_t len = 0;
      if (EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len) != 1 ||
          std::string_view(group, len) != "prime256v1")
        return key_error("EC key is not on P-256, the only curve ES256 allows");
      return public_key{std::move(*pem), algorithm::es256};
    }
    default:
      return key_error("key type is neither RSA (RS256) nor EC P-256 (ES256)");
  }
}

}  // namespace chatgate::auth
