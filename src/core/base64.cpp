#include "core/base64.hpp"

#include <array>
#include <cstdint>

namespace chatgate::core {

namespace {

constexpr std::string_view standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using reverse_table = std::array<std::int8_t, 256>;

/// Character -> 6-bit value, -1 for characters outside the alphabet(s).
constexpr reverse_table make_reverse(bool standard, bool url) {
  reverse_table table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < 64; ++i) {
    if (standard)
      table[static_cast<unsigned char>(standard_alphabet[i])] = static_cast<std::int8_t>(i);
    if (url) table[static_cast<unsigned char>(url_alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return table;
}

constexpr auto either_reverse = make_reverse(true, true);
constexpr auto url_reverse = make_reverse(false, true);

void encode(std::string& out, std::string_view bytes, std::string_view alphabet, bool pad) {
  out.reserve(out.size() + (bytes.size() + 2) / 3 * 4);
  auto byte = [&](std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at]));
  };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
    out += alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) return;
  std::uint32_t n = byte(i) << 16;
  if (rest == 2) n |= byte(i + 1) << 8;
  out += alphabet[n >> 18 & 63];
  out += alphabet[n >> 12 & 63];
  if (rest == 2) out += alphabet[n >> 6 & 63];
  if (pad) out.append(3 - rest, '=');
}

/// Trailing '=' are ignored, except in `canonical` mode, where there must be none (RFC 7515 §2:
/// base64url without padding) and the unused low bits of the last character must be 0.
std::optional<std::string> decode(std::string_view text, const reverse_table& reverse,
                                  bool canonical) {
  if (!canonical)
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  // One leftover character carries only 6 bits: never a whole byte, so not valid output.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const auto v = reverse[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = acc << 6 | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xff);
    }
  }
  if (canonical && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

void base64_append(std::string& out, std::string_view bytes) {
  encode(out, bytes, standard_alphabet, true);
}

std::optional<std::string> base64_decode(std::string_view text) {
  return decode(text, either_reverse, false);
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  encode(out, bytes, url_alphabet, false);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // Canonical form only (RFC 4648 §3.5): else two spellings of one signature would both verify.
  return decode(text, url_reverse, true);
}

}  // namespace chatgate::core
