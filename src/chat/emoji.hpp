#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chatgate::chat {

/// Reaction limits of contract §8.
struct reaction_limits {
  static constexpr std::size_t emoji_min = 1;    // Unicode code points
  static constexpr std::size_t emoji_max = 16;   // code points: room for ZWJ sequences and flags
  static constexpr std::size_t distinct_max = 20;  // distinct emoji on one message
};

/// Why `text` is not an acceptable reaction emoji, or nullopt when it is: valid UTF-8 (a URL
/// path segment may decode to anything), 1..emoji_max code points, no white space (Unicode's
/// White_Space, e.g. " ", U+00A0, U+3000) and no control character (C0, DEL, C1). Any other
/// text counts: contract §8 fixes the length and the white space, not which symbols, so
/// "👍", "👨‍👩‍👧‍👦" (7 code points), "🇫🇷" (2) and ":+1:" are all accepted.
std::optional<std::string> emoji_problem(std::string_view text);

}  // namespace chatgate::chat
