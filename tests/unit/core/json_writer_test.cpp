#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include <boost/json/parse.hpp>

#include "core/json_reader.hpp"
#include "core/json_writer.hpp"

namespace chatgate::core {
namespace {

std::string js(double d) {
  std::string out;
  write_js_number(out, d);
  return out;
}

std::string json(std::string_view text) {
  std::string out;
  write_json(out, boost::json::parse(text));
  return out;
}

// Expected strings are what node prints for JSON.stringify of the same numbers.
TEST(core_json_writer, numbers_as_javascript_prints_them) {
  EXPECT_EQ(js(1.5), "1.5");
  EXPECT_EQ(js(0.1), "0.1");
  EXPECT_EQ(js(2.0), "2");
  EXPECT_EQ(js(-0.0), "0");
  EXPECT_EQ(js(-2.25), "-2.25");
  EXPECT_EQ(js(123456789012.5), "123456789012.5");
  EXPECT_EQ(js(1e21), "1e+21");
  EXPECT_EQ(js(1e20), "100000000000000000000");  // the last power printed in full
  EXPECT_EQ(js(1.5e21), "1.5e+21");
  EXPECT_EQ(js(1e-6), "0.000001");  // the last small one printed in full
  EXPECT_EQ(js(1e-7), "1e-7");
  EXPECT_EQ(js(1.25e-7), "1.25e-7");
  EXPECT_EQ(js(1e300), "1e+300");
  EXPECT_EQ(js(5e-324), "5e-324");
  EXPECT_EQ(js(1.7976931348623157e308), "1.7976931348623157e+308");
  EXPECT_EQ(js(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(js(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(js(std::nan("")), "null");
}

TEST(core_json_writer, values_as_json_stringify) {
  EXPECT_EQ(json(R"({"b":1,"a":[true,false,null,-3,9007199254740992,1.5]})"),
            R"({"b":1,"a":[true,false,null,-3,9007199254740992,1.5]})");
  EXPECT_EQ(json(R"(["\u001f\u007f/\"\\\b\f\n\r\t\ud83d\ude00"])"),
            "[\"\\u001f\x7f/\\\"\\\\\\b\\f\\n\\r\\t\xf0\x9f\x98\x80\"]");
  EXPECT_EQ(json("{}"), "{}");
  EXPECT_EQ(json("[]"), "[]");
  EXPECT_EQ(json(R"({"":""})"), R"({"":""})");
}

// The issue-9 table: input text -> what node prints for JSON.stringify(JSON.parse(input))
// (computed with node 20 once; the e2e test json-numbers.test.mjs asks node itself).
TEST(core_json_writer, reads_back_as_json_stringify_of_json_parse) {
  const std::pair<const char*, const char*> table[] = {
      {"1.5", "1.5"},
      {"0.1", "0.1"},
      {"1e21", "1e+21"},
      {"1E21", "1e+21"},
      {"1e-7", "1e-7"},
      {"-0", "0"},
      {"-0.0", "0"},
      {"9007199254740992", "9007199254740992"},  // 2^53
      {"9007199254740993", "9007199254740992"},  // 2^53+1
      {"-9007199254740993", "-9007199254740992"},
      {"12345678901234567890", "12345678901234567000"},  // uint64 in Boost.JSON
      {"-9223372036854775808", "-9223372036854776000"},  // int64 min
      {"18446744073709551615", "18446744073709552000"},  // uint64 max
      {"123456789012345678901234", "1.2345678901234569e+23"},
      {"100", "100"},
      {"1.0", "1"},
      {R"({"a":[1.5,{"b":-0,"c":1e21}],"d":0.1})", R"({"a":[1.5,{"b":0,"c":1e+21}],"d":0.1})"},
  };
  for (const auto& [input, expected] : table) {
    auto v = parse_json(input, 64);
    ASSERT_TRUE(v.has_value()) << input;
    EXPECT_EQ(to_json(*v), expected) << input;
  }
}

}  // namespace
}  // namespace chatgate::core

namespace chatgate::core {
namespace {

TEST(core_json_reader, doubles_round_trip_exactly) {
  // Boost.JSON 1.81's parser reads this one ulp off; JSON.parse does not.
  auto v = parse_json("[9.399999999000001e+24]", 64);
  ASSERT_TRUE(v.has_value());
  std::string out;
  write_json(out, *v);
  EXPECT_EQ(out, "[9.399999999000001e+24]");

  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    std::string text;
    write_js_number(text, d);
    auto back = parse_json(text, 64);
    ASSERT_TRUE(back.has_value()) << text;
    double got = back->is_double() ? back->get_double() : back->to_number<double>();
    EXPECT_EQ(got, d == 0 ? 0.0 : d) << text;
  }
}

TEST(core_json_reader, rejects_what_json_parse_rejects) {
  for (const char* bad : {"", "[1,]", "{\"a\":1,}", "[1] x", "// c\n[1]", "[01]", "[1.]", "'a'",
                          "[\"\x01\"]", "[NaN]"}) {
    EXPECT_FALSE(parse_json(bad, 64).has_value()) << bad;
  }
  EXPECT_TRUE(parse_json(" [1, {\"a\": null}] ", 64).has_value());
  EXPECT_TRUE(parse_json("[[1]]", 2).has_value());     // at the depth limit
  EXPECT_FALSE(parse_json("[[[1]]]", 2).has_value());  // past it
}

}  // namespace
}  // namespace chatgate::core
