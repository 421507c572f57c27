#pragma once
#include <chrono>
#include <memory>
#include <string>

namespace chatgate::auth {

class jwks_keys;

/// How tokens are checked (contract §1–2, §9). At least one of `secret` / `public_key` / `jwks`
/// must be set.
/// When both are set, HS256 tokens are checked with the secret and RS256/ES256 tokens with the
/// key; a token is never checked with the other one (no algorithm confusion).
struct settings {
  std::string secret;      // HS256 shared secret (JWT_SECRET); empty: HS256 refused
  std::string public_key;  // PEM text, or a path to a PEM file (JWT_PUBLIC_KEY); empty: none
  std::string issuer;      // required `iss` (JWT_ISSUER); empty: not checked
  std::string audience;    // required `aud` entry (JWT_AUDIENCE); empty: not checked
  std::chrono::seconds leeway{0};  // clock skew allowed on `exp` / `nbf`
  /// Keys of a JWKS document (JWT_JWKS_URL), filled by a jwks_fetcher; null: none. An RS256 or
  /// ES256 token with a `kid` is checked with that key only.
  std::shared_ptr<jwks_keys> jwks;
};

}  // namespace chatgate::auth
