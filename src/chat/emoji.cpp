#include "chat/emoji.hpp"

namespace chatgate::chat {
namespace {

constexpr char32_t invalid = 0xFFFFFFFF;

// Decodes one code point of strict UTF-8 at s[i] (no overlongs, no surrogates, at most
// U+10FFFF) and advances i; `invalid` for a bad sequence.
char32_t decode(std::string_view s, std::size_t& i) noexcept {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = 0;
  char32_t cp = 0, min = 0;
  if (b < 0x80) len = 1, cp = b;
  else if ((b & 0xE0) == 0xC0) len = 2, cp = b & 0x1F, min = 0x80;
  else if ((b & 0xF0) == 0xE0) len = 3, cp = b & 0x0F, min = 0x800;
  else if ((b & 0xF8) == 0xF0) len = 4, cp = b & 0x07, min = 0x10000;
  else return invalid;
  if (i + len > s.size()) return invalid;
  for (int k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return invalid;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return invalid;
  i += static_cast<std::size_t>(len);
  return cp;
}

// Unicode White_Space, plus U+FEFF (JavaScript's trim removes it too).
bool is_space(char32_t c) noexcept {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool is_control(char32_t c) noexcept {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

}  // namespace

std::optional<std::string> emoji_problem(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = decode(text, i);
    if (c == invalid) return "must be valid UTF-8";
    if (is_space(c)) return "must not contain white space";
    if (is_control(c)) return "must not contain control characters";
    ++count;
  }
  if (count < reaction_limits::emoji_min || count > reaction_limits::emoji_max)
    return "must be 1 to 16 code points";
  return std::nullopt;
}

}  // namespace chatgate::chat
