#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "auth/settings.hpp"
#include "core/clock.hpp"

namespace chatgate::auth {

/// Signs HS256 tokens with the configured secret, for `chatgate token` and tests. Adds `iss` and
/// `aud` when the settings require them, so its tokens pass a verifier with the same settings.
class minter {
 public:
  /// `s.secret` must not be empty (throws std::invalid_argument: a start-up error).
  explicit minter(settings s);

  /// A token with `sub` = user_id, `iat` = now, `exp` = now + ttl.
  std::string mint(std::string_view user_id, std::chrono::seconds ttl) const;
  /// As above with "now" given.
  std::string mint(std::string_view user_id, std::chrono::seconds ttl, core::sys_time_ms now) const;

 private:
  settings settings_;
};

/// 32 random bytes as 64 hex digits: the throwaway HS256 secret of `--dev`.
std::string generate_dev_secret();

}  // namespace chatgate::auth
