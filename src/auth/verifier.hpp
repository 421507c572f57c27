#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/settings.hpp"
#include "auth/signature_checker.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace chatgate::auth {

/// Who a valid token speaks for (contract §2).
struct identity {
  std::string user_id;  // claim `externalUserId` when a non-empty string, else `sub`
  std::optional<core::sys_time_ms> expires_at;  // claim `exp`, if the token has one
  std::vector<std::string> roles;  // claim `roles`: its strings (an array), or the one string
};

/// Checks JWTs: signature with the configured algorithm only, `exp`, `nbf`, `iss`, `aud`.
/// Immutable after create(), so one instance may be shared by every caller.
class verifier {
 public:
  /// Loads the public key (if any) and checks the settings; a bad setting is an error naming it.
  static core::result<verifier> create(const settings& s);

  /// The identity of a valid token, else core::error_code::unauthorized with the reason.
  core::result<identity> verify(std::string_view token) const;
  /// As above, with "now" given (tests, and callers that share one clock).
  core::result<identity> verify(std::string_view token, core::sys_time_ms now) const;

 private:
  verifier(settings s, std::optional<signature_checker> hs256,
           std::optional<signature_checker> key);

  /// The checker for the header's `alg`, if that algorithm is configured.
  /// Held for the check (a JWKS key may be replaced meanwhile); the others are members.
  core::result<std::shared_ptr<const signature_checker>> check_header(
      std::string_view header_b64) const;
  core::result<identity> check_claims(std::string_view payload_b64, core::sys_time_ms now) const;

  settings settings_;
  std::optional<signature_checker> hs256_;  // set when settings.secret is
  std::optional<signature_checker> key_;    // set when settings.public_key is: RS256 or ES256
};

}  // namespace chatgate::auth
