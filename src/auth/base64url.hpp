#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace chatgate::auth {

/// RFC 4648 §5 base64url without padding, as JWS compact serialization uses it.
std::string base64url_encode(std::string_view bytes);
/// Decodes unpadded (or padded) base64url; nullopt on any other character, a bad length or
/// non-zero unused bits in the last character.
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace chatgate::auth
