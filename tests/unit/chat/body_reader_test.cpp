#include "chat/body_reader.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

using namespace chatgate;
namespace json = boost::json;

namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

json::value with(std::string_view key, json::value v) {
  json::object o;
  o[key] = std::move(v);
  return o;
}

TEST(code_points, counts_characters_not_bytes) {
  EXPECT_EQ(chat::code_points("abc"), 3u);
  EXPECT_EQ(chat::code_points("\xC3\xA9t\xC3\xA9"), 3u);  // été
  EXPECT_EQ(chat::code_points("\xF0\x9F\x98\x80"), 1u);   // one emoji, 4 bytes
  EXPECT_EQ(chat::code_points(""), 0u);
}

TEST(is_blank, sees_unicode_white_space) {
  EXPECT_TRUE(chat::is_blank(" \t\r\n"));
  EXPECT_TRUE(chat::is_blank("\xC2\xA0\xE3\x80\x80"));  // no-break space, ideographic space
  EXPECT_TRUE(chat::is_blank(""));
  EXPECT_FALSE(chat::is_blank("  x "));
  EXPECT_FALSE(chat::is_blank("\xC3\xA9"));
}

TEST(body_reader, content_at_limit_in_code_points_and_one_past) {
  auto ok = with("content", json::value(repeat("\xC3\xA9", 5000)));  // 10000 bytes
  chat::body_reader a(ok);
  EXPECT_TRUE(a.content().has_value());
  EXPECT_TRUE(a.ok());
  auto b_body = with("content", json::value(repeat("x", 5001)));
  chat::body_reader b(b_body);
  EXPECT_FALSE(b.content());
  ASSERT_EQ(b.error().details.size(), 1u);
  EXPECT_EQ(b.error().details[0].field, "content");
  EXPECT_EQ(b.error().code, core::error_code::validation_error);
}

TEST(body_reader, content_must_be_a_non_blank_string) {
  for (auto body : {R"({})", R"({"content":""})", R"({"content":"   "})", R"({"content":5})",
                    R"({"content":null})", R"({"content":["a"]})"}) {
    auto r_body = json::parse(body);
    chat::body_reader r(r_body);
    EXPECT_FALSE(r.content()) << body;
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().details.at(0).field, "content") << body;
  }
  auto one_body = json::parse(R"({"content":"x"})");
  chat::body_reader one(one_body);
  EXPECT_EQ(one.content(), "x");
}

TEST(body_reader, body_must_be_an_object) {
  for (auto body : {"[]", "null", "\"x\"", "3"}) {
    auto r_body = json::parse(body);
    chat::body_reader r(r_body);
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().details.at(0).field, "body");
  }
}

TEST(body_reader, attachments_at_limit_and_one_past) {
  json::array ten;
  for (int i = 0; i < 10; ++i) ten.push_back(json::object{{"externalFileId", "f"}});
  auto a_body = with("attachments", ten);
  chat::body_reader a(a_body);
  EXPECT_EQ(a.attachments().size(), 10u);
  EXPECT_TRUE(a.ok());
  ten.push_back(json::object{{"externalFileId", "f"}});
  auto b_body = with("attachments", ten);
  chat::body_reader b(b_body);
  EXPECT_TRUE(b.attachments().empty());
  EXPECT_EQ(b.error().details.at(0).field, "attachments");
}

TEST(body_reader, attachment_fields) {
  auto label = [](std::size_t n) {
    return with("attachments", json::array{json::object{{"externalFileId", "f-1"},
                                                        {"label", repeat("\xC3\xA9", n)}}});
  };
  auto at_body = label(255);
  chat::body_reader at(at_body);
  auto got = at.attachments();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].external_file_id, "f-1");
  EXPECT_TRUE(at.ok());
  auto past_body = label(256);
  chat::body_reader past(past_body);
  past.attachments();
  EXPECT_EQ(past.error().details.at(0).field, "attachments.0.label");

  for (auto body : {R"({"attachments":[{"externalFileId":""}]})", R"({"attachments":[{}]})",
                    R"({"attachments":[{"externalFileId":3}]})", R"({"attachments":["f"]})",
                    R"({"attachments":{"externalFileId":"f"}})"}) {
    auto r_body = json::parse(body);
    chat::body_reader r(r_body);
    r.attachments();
    EXPECT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().details.at(0).field.rfind("attachments", 0), 0u) << body;
  }
  auto extra_body = json::parse(R"({"attachments":[{"externalFileId":"f","x":1}]})");
  chat::body_reader extra(extra_body);
  EXPECT_EQ(extra.attachments().size(), 1u);
  EXPECT_TRUE(extra.ok());
}

TEST(body_reader, metadata_at_4k_and_one_past) {
  // {"k":"..."} is 8 bytes around the string.
  auto at_body = with("metadata", json::object{{"k", repeat("a", 4096 - 8)}});
  chat::body_reader at(at_body);
  EXPECT_TRUE(at.metadata().has_value());
  EXPECT_TRUE(at.ok());
  auto past_body = with("metadata", json::object{{"k", repeat("a", 4096 - 7)}});
  chat::body_reader past(past_body);
  EXPECT_FALSE(past.metadata());
  EXPECT_EQ(past.error().details.at(0).field, "metadata");
  for (auto body : {R"({"metadata":[]})", R"({"metadata":"x"})", R"({"metadata":1})"}) {
    auto r_body = json::parse(body);
    chat::body_reader r(r_body);
    EXPECT_FALSE(r.metadata()) << body;
    EXPECT_FALSE(r.ok()) << body;
  }
  auto absent_body = json::parse(R"({"metadata":null})");
  chat::body_reader absent(absent_body);
  EXPECT_FALSE(absent.metadata());
  EXPECT_TRUE(absent.ok());
}

TEST(body_reader, ids_and_enums_and_integers) {
  auto r_body = json::parse(
      R"({"a":"0123456789abcdef01234567","b":"nothex","c":"group","d":"other","e":7,"f":7.5,"g":"7"})");
  chat::body_reader r(r_body);
  EXPECT_EQ(r.id("a", true), "0123456789abcdef01234567");
  EXPECT_FALSE(r.id("b", true));
  EXPECT_EQ(r.one_of("c", {"direct", "group"}, true), "group");
  EXPECT_FALSE(r.one_of("d", {"direct", "group"}, true));
  EXPECT_EQ(r.integer("e", 1, 7, true), 7);
  EXPECT_FALSE(r.integer("e", 1, 6, true));
  EXPECT_FALSE(r.integer("f", 1, 10, true));
  EXPECT_FALSE(r.integer("g", 1, 10, true));
  EXPECT_FALSE(r.id("missing", false));
  EXPECT_EQ(r.error().details.size(), 5u);  // every bad field is reported, optional absent is not
}

TEST(body_reader, user_ids_and_user_id_limit) {
  auto at_body = with("u", json::value(repeat("u", 255)));
  chat::body_reader at(at_body);
  EXPECT_TRUE(at.user_id("u", true));
  auto past_body = with("u", json::value(repeat("u", 256)));
  chat::body_reader past(past_body);
  EXPECT_FALSE(past.user_id("u", true));
  auto list_body = json::parse(R"({"ids":["a","b"],"bad":["a",""],"worse":"a"})");
  chat::body_reader list(list_body);
  EXPECT_EQ(list.user_ids("ids", true)->size(), 2u);
  EXPECT_FALSE(list.user_ids("bad", true));
  EXPECT_FALSE(list.user_ids("worse", true));
  EXPECT_EQ(list.error().details.size(), 2u);
}

TEST(check_limit, bounds) {
  EXPECT_EQ(chat::check_limit(std::nullopt, 50, 100).value(), 50);
  EXPECT_EQ(chat::check_limit(100, 50, 100).value(), 100);
  EXPECT_EQ(chat::check_limit(1, 50, 100).value(), 1);
  EXPECT_FALSE(chat::check_limit(101, 50, 100));
  EXPECT_FALSE(chat::check_limit(0, 50, 100));
}

}  // namespace
