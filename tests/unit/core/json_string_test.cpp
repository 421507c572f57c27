// core::append_json_string must match JSON.stringify byte for byte (the official Socket.IO
// suites compare packets as text).
#include "core/json_string.hpp"

#include <gtest/gtest.h>

namespace chatgate::core {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(json_string, plain_text_and_utf8_pass_through) {
  EXPECT_EQ(quoted(""), "\"\"");
  EXPECT_EQ(quoted("hello / world"), "\"hello / world\"");
  EXPECT_EQ(quoted("h\xc3\xa9llo \xf0\x9f\x98\x80"), "\"h\xc3\xa9llo \xf0\x9f\x98\x80\"");
  EXPECT_EQ(quoted("\x7f"), "\"\x7f\"");  // DEL is not a control character for JSON
}

TEST(json_string, quote_and_backslash_are_escaped) {
  EXPECT_EQ(quoted("a\"b\\c"), R"("a\"b\\c")");
}

TEST(json_string, named_escapes_as_json_stringify_writes_them) {
  EXPECT_EQ(quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
}

TEST(json_string, other_control_characters_as_lower_case_u00xx) {
  EXPECT_EQ(quoted(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(quoted("\x01\x0b\x1f"), R"("\u0001\u000b\u001f")");
  EXPECT_EQ(quoted("\x1e"), R"("\u001e")");  // the Engine.IO record separator
}

TEST(json_string, appends_and_keeps_runs_between_escapes) {
  std::string out = "[";
  append_json_string(out, "ab\ncd\"ef");
  EXPECT_EQ(out, R"(["ab\ncd\"ef")");
}

}  // namespace
}  // namespace chatgate::core
