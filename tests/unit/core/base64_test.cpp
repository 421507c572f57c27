// core/base64: the Engine.IO spelling (standard, padded, lenient like Node) and the JWS
// spelling (base64url, unpadded, canonical only).
#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace chatgate::core {
namespace {

std::string encoded(std::string_view bytes) {
  std::string out;
  base64_append(out, bytes);
  return out;
}

TEST(base64, rfc4648_test_vectors) {
  EXPECT_EQ(encoded(""), "");
  EXPECT_EQ(encoded("f"), "Zg==");
  EXPECT_EQ(encoded("fo"), "Zm8=");
  EXPECT_EQ(encoded("foo"), "Zm9v");
  EXPECT_EQ(encoded("foob"), "Zm9vYg==");
  EXPECT_EQ(encoded("fooba"), "Zm9vYmE=");
  EXPECT_EQ(encoded("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
}

TEST(base64, appends_to_what_is_already_there) {
  std::string out = "b";
  base64_append(out, "\x01\x02\x03\x04");
  EXPECT_EQ(out, "bAQIDBA==");
}

TEST(base64, round_trips_every_length_and_byte) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(i);
    std::string encoded;
    base64_append(encoded, bytes);
    EXPECT_EQ(encoded.size() % 4, 0u);
    auto decoded = base64_decode(encoded);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(base64, accepts_url_safe_and_missing_padding_like_node) {
  EXPECT_EQ(base64_decode("-_8"), std::string("\xfb\xff", 2));
  EXPECT_EQ(base64_decode("AQIDBA"), std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(base64_decode(""), std::string());
  EXPECT_FALSE(base64_decode("AQ ID"));
}

TEST(base64, padding_is_optional_and_a_dangling_character_is_an_error) {
  EXPECT_EQ(base64_decode("Zg=="), std::string("f"));
  EXPECT_EQ(base64_decode("Zg"), std::string("f"));
  EXPECT_EQ(base64_decode("Zm8="), std::string("fo"));
  EXPECT_EQ(base64_decode("Zm8"), std::string("fo"));
  EXPECT_FALSE(base64_decode("Z"));
  EXPECT_FALSE(base64_decode("Zm9vY"));
  EXPECT_FALSE(base64_decode("Zm9vY==="));  // padding does not complete a dangling character
  EXPECT_FALSE(base64_decode("Zg==Zg=="));  // '=' only at the end
}

TEST(base64, standard_decoding_is_lenient_about_trailing_bits_like_node) {
  EXPECT_EQ(base64_decode("QR"), std::string("A"));
  EXPECT_EQ(base64_decode("+/+/"), base64_decode("-_-_"));
  EXPECT_EQ(base64_decode("+/+/"), std::string("\xfb\xff\xbf", 3));
}

TEST(base64, rejects_characters_outside_both_alphabets) {
  for (const char* bad : {"ab.c", "ab c", "ab\nc", "ab*c",
                          "\xc3\xa9"
                          "ab"}) {
    EXPECT_FALSE(base64_decode(bad)) << bad;
  }
  EXPECT_FALSE(base64_decode(std::string_view("AA\0A", 4)));
}

TEST(base64url, round_trip_of_every_length_mod_3) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00z"}) {
    auto back = base64url_decode(base64url_encode(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(base64url, round_trips_every_length_and_byte_without_padding) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(255 - i);
    auto text = base64url_encode(bytes);
    EXPECT_EQ(text.find_first_of("=+/"), std::string::npos) << text;
    EXPECT_EQ(text.size(), (bytes.size() * 4 + 2) / 3);
    EXPECT_EQ(base64url_decode(text), bytes);
  }
}

TEST(base64url, is_the_standard_spelling_with_two_letters_swapped_and_no_padding) {
  const std::string bytes("\xfb\xff\xbe\x00\x10", 5);
  std::string standard = encoded(bytes);
  while (standard.ends_with('=')) standard.pop_back();
  for (auto& c : standard) c = c == '+' ? '-' : c == '/' ? '_' : c;
  EXPECT_EQ(base64url_encode(bytes), standard);
}

TEST(base64url, rejects_bad_characters_and_lengths) {
  EXPECT_FALSE(base64url_decode("ab+c"));
  EXPECT_FALSE(base64url_decode("ab/c"));
  EXPECT_FALSE(base64url_decode("abcde"));  // 5 chars: one dangling sextet
  EXPECT_TRUE(base64url_decode("abcdeQ"));
}

TEST(base64url, refuses_padding_so_a_signature_has_one_spelling) {
  EXPECT_EQ(base64url_decode("QQ"), std::string("A"));
  EXPECT_EQ(base64url_decode("QUE"), std::string("AA"));
  EXPECT_FALSE(base64url_decode("QQ=="));
  EXPECT_FALSE(base64url_decode("QUE="));
  EXPECT_FALSE(base64url_decode("QQ==QQ"));
  EXPECT_FALSE(base64url_decode("Q==="));
}

TEST(base64url, rejects_non_canonical_trailing_bits) {
  EXPECT_EQ(base64url_decode("QQ"), std::string("A"));  // 'Q' = 010000: low 4 bits zero
  EXPECT_FALSE(base64url_decode("QR"));                 // 'R' = 010001: same byte, bit set
  EXPECT_EQ(base64url_decode("QUE"), std::string("AA"));
  EXPECT_FALSE(base64url_decode("QUF"));
}

}  // namespace
}  // namespace chatgate::core
