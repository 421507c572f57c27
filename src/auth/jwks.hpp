#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "auth/public_key.hpp"
#include "core/result.hpp"

namespace chatgate::auth {

/// One verification key of a JWKS document, ready for signature_checker::for_pkey.
struct jwk_key {
  std::string kid;
  algorithm alg = algorithm::rs256;  // RSA: RS256; EC P-256: ES256 (never anything else)
  std::shared_ptr<EVP_PKEY> key;
};

/// A parsed JWKS document (RFC 7517 §5): the usable keys, and why the others were skipped.
struct jwks_document {
  std::vector<jwk_key> keys;
  std::vector<std::string> skipped;  // "key 2 (kid x): ..." for each key left out
};

/// Parses a JWKS document. Usable keys: `kty` RSA (`n`, `e`, modulus of 2048 bits or more) or EC
/// with `crv` P-256 (`x`, `y`, 32 bytes each, on the curve); a `kid` is required (tokens choose
/// keys by it); `alg`, when present, must be RS256 / ES256 to match; `use`, when present, must be
/// `sig`. Private members (`d`, ...) are ignored. Other keys are skipped with a reason, not an
/// error. Error: not a JSON object with a `keys` array, or more than 100 keys.
core::result<jwks_document> parse_jwks(std::string_view json);

/// An RSA public key from base64url `n` and `e` (RFC 7518 §6.3.1).
core::result<std::shared_ptr<EVP_PKEY>> rsa_from_jwk(std::string_view n, std::string_view e);
/// An EC P-256 public key from base64url `x` and `y` (RFC 7518 §6.2.1); checked on the curve.
core::result<std::shared_ptr<EVP_PKEY>> ec_p256_from_jwk(std::string_view x, std::string_view y);

}  // namespace chatgate::auth
