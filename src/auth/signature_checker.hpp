#pragma once
#include <memory>
#include <string>
#include <string_view>

#include <openssl/types.h>

#include "auth/public_key.hpp"
#include "core/result.hpp"

namespace chatgate::auth {

/// Checks a JWS signature for one algorithm with one key, using OpenSSL directly.
/// Why not libjwt's jwt_decode: 1.10 refuses every header `typ` but "JWT" (so RFC 9068 "at+jwt"
/// access tokens from identity providers fail), and it parses the PEM again on every call.
/// Immutable and safe to share between threads (each check has its own OpenSSL context).
class signature_checker {
 public:
  /// HS256 with a shared secret.
  static signature_checker hmac_sha256(std::string secret);
  /// RS256 or ES256 with the key's public half (parsed once here).
  static core::result<signature_checker> for_key(const public_key& key);
  /// RS256 or ES256 with an OpenSSL public key already built (a JWKS key).
  static signature_checker for_pkey(algorithm alg, std::shared_ptr<EVP_PKEY> key);

  algorithm alg() const noexcept { return alg_; }
  /// True when `signature` (raw bytes, base64url-decoded) signs `signing_input`
  /// ("header.payload" as sent).
  bool verify(std::string_view signing_input, std::string_view signature) const;

 private:
  signature_checker(algorithm alg, std::string secret, std::shared_ptr<EVP_PKEY> key);

  bool verify_hmac(std::string_view input, std::string_view signature) const;
  bool verify_digest(std::string_view input, std::string_view der_signature) const;

  algorithm alg_;
  std::string secret_;             // HS256 only
  std::shared_ptr<EVP_PKEY> key_;  // RS256 / ES256 only
};

}  // namespace chatgate::auth
