#pragma once
#include <string>
#include <string_view>

namespace chatgate::core {

/// Appends `s` as a quoted JSON string exactly as JavaScript's JSON.stringify writes it: '"' and
/// '\' escaped, \b \f \n \r \t by name, other control characters as \u00xx (lower-case hex), and
/// every other byte (UTF-8 included) as is. The Socket.IO writer relies on the byte-for-byte match.
void append_json_string(std::string& out, std::string_view s);

}  // namespace chatgate::core
