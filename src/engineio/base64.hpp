#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace chatgate::engineio {

/// Appends the standard base64 (with '=' padding) of `bytes` to `out`.
void base64_append(std::string& out, std::string_view bytes);
/// Decodes standard or URL-safe base64, padding optional (as Node's Buffer.from(s, "base64")
/// accepts). Any other character, or a dangling single character, is an error (nullopt).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace chatgate::engineio
