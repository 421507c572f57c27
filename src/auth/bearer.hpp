#pragma once
#include <optional>
#include <string_view>

namespace chatgate::auth {

/// The one reader of `Authorization: Bearer <token>` headers (REST and Socket.IO handshakes):
/// the scheme case-insensitive (RFC 9110 §11.1), spaces after it skipped. nullopt when the
/// header has another scheme or no token, so that no empty token reaches the verifier.
std::optional<std::string_view> bearer_token(std::string_view header);

}  // namespace chatgate::auth
