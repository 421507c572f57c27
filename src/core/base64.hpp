#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace chatgate::core {

// RFC 4648 base64, in the two spellings chatgate needs:
//   Engine.IO binary-over-polling ('b' packets): standard alphabet (+/) with '=' padding, decoded
//     as leniently as Node's Buffer.from(s, "base64") (either alphabet, padding optional);
//   JWS (JWT) parts: URL-safe alphabet (-_) without padding, decoded strictly (canonical form
//     only), so that one signature has one spelling.

/// Appends the standard base64 (alphabet +/, '=' padding) of `bytes` to `out`.
void base64_append(std::string& out, std::string_view bytes);
/// Decodes standard or URL-safe base64, padding optional (as Node's Buffer.from(s, "base64")
/// accepts). Any other character, or a dangling single character, is an error (nullopt).
std::optional<std::string> base64_decode(std::string_view text);

/// RFC 4648 §5 base64url without padding, as JWS compact serialization uses it.
std::string base64url_encode(std::string_view bytes);
/// Decodes unpadded (or padded) base64url; nullopt on any other character (also + and /), a
/// dangling single character, or non-zero unused bits in the last character (RFC 4648 §3.5).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace chatgate::core
