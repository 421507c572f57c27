#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "auth/public_key.hpp"
#include "auth/settings.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"

namespace chatgate::auth {

/// Who a valid token speaks for (contract §2).
struct identity {
  std::string user_id;  // claim `externalUserId` when a non-empty string, else `sub`
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
  verifier(settings s, std::optional<public_key> key);

  core::result<algorithm> check_header(std::string_view header_b64) const;
  core::result<void> check_signature(const std::string& token, algorithm alg) const;
  core::result<identity> check_claims(std::string_view payload_b64, core::sys_time_ms now) const;

  settings settings_;
  std::optional<public_key> key_;
};

}  // namespace chatgate::auth
