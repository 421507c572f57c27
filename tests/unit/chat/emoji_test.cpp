// emoji_problem: the reaction emoji rule of contract §8 (1-16 code points, no white space).
#include <gtest/gtest.h>

#include "chat/emoji.hpp"

namespace chatgate::chat {
namespace {

struct emoji_case {
  const char* name;
  std::string text;
  bool ok;
};

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

class emoji_table : public ::testing::TestWithParam<emoji_case> {};

TEST_P(emoji_table, accepts_or_refuses) {
  const auto& c = GetParam();
  EXPECT_EQ(!emoji_problem(c.text).has_value(), c.ok) << c.name;
}

// Multi-code-point emoji count every code point: ZWJ sequences, skin tones, flags, keycaps.
INSTANTIATE_TEST_SUITE_P(
    chat, emoji_table,
    ::testing::Values(
        emoji_case{"thumbs_up", "👍", true},                        // 1 code point, 4 bytes
        emoji_case{"heart_with_vs16", "❤️", true},                  // U+2764 U+FE0F
        emoji_case{"skin_tone", "👍🏽", true},                       // 2
        emoji_case{"flag", "🇫🇷", true},                             // 2 regional indicators
        emoji_case{"keycap", "1️⃣", true},                           // 3
        emoji_case{"family_zwj", "👨‍👩‍👧‍👦", true},                 // 7 (4 people, 3 ZWJ)
        emoji_case{"rainbow_flag_zwj", "🏳️‍🌈", true},              // 4
        emoji_case{"ascii_word", ":+1:", true},                     // any text of the rules
        emoji_case{"one_ascii", "x", true},
        emoji_case{"sixteen_code_points", repeat("😀", 16), true},  // at the limit
        emoji_case{"seventeen_code_points", repeat("😀", 17), false},
        emoji_case{"sixteen_ascii", repeat("a", 16), true},
        emoji_case{"seventeen_ascii", repeat("a", 17), false},
        emoji_case{"two_families_14", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦", true},  // 14
        emoji_case{"three_families_21", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", false},
        emoji_case{"empty", "", false},
        emoji_case{"space", " ", false},
        emoji_case{"inner_space", "👍 👍", false},
        emoji_case{"leading_space", " 👍", false},
        emoji_case{"trailing_newline", "👍\n", false},
        emoji_case{"tab", "\t", false},
        emoji_case{"nbsp", "\u00a0", false},
        emoji_case{"ideographic_space", "\u3000", false},
        emoji_case{"line_separator", "👍\u2028", false},
        emoji_case{"next_line_c1", "\u0085", false},
        emoji_case{"bom", "\ufeff", false},
        emoji_case{"nul", std::string("a\0b", 3), false},
        emoji_case{"del", "a\x7f", false},
        emoji_case{"invalid_utf8", "\xF0\x9F\x91", false},           // truncated 👍
        emoji_case{"lone_continuation", "\x80", false},
        emoji_case{"overlong_slash", "\xC0\xAF", false},
        emoji_case{"surrogate", "\xED\xA0\x80", false},
        emoji_case{"above_10ffff", "\xF4\x90\x80\x80", false}),
    [](const ::testing::TestParamInfo<emoji_case>& p) { return std::string(p.param.name); });

TEST(emoji, problems_name_the_rule) {
  EXPECT_EQ(emoji_problem(""), "must be 1 to 16 code points");
  EXPECT_EQ(emoji_problem(repeat("a", 17)), "must be 1 to 16 code points");
  EXPECT_EQ(emoji_problem("a b"), "must not contain white space");
  EXPECT_EQ(emoji_problem("\xFF"), "must be valid UTF-8");
}

}  // namespace
}  // namespace chatgate::chat
