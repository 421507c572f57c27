#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "socketio/args.hpp"
#include "socketio/decoder.hpp"
#include "socketio/packet.hpp"

namespace chatgate::socketio {
namespace {

packet decode_one(std::string_view text) {
  decoder d;
  auto r = d.add_text(text);
  EXPECT_TRUE(r.has_value()) << text;
  EXPECT_TRUE(r.has_value() && r->has_value()) << text;
  return r.has_value() && r->has_value() ? std::move(**r) : packet{};
}

decode_error decode_fail(std::string_view text) {
  decoder d;
  auto r = d.add_text(text);
  EXPECT_FALSE(r.has_value()) << text;
  return r.has_value() ? decode_error::empty : r.error();
}

packet make(packet_type type, std::string nsp, std::string_view json,
            std::optional<std::uint64_t> id = std::nullopt) {
  packet p;
  p.type = type;
  p.nsp = std::move(nsp);
  p.id = id;
  if (!json.empty()) p.data = boost::json::parse(json);
  return p;
}

TEST(socketio_packet, encodes_every_type_as_the_protocol_examples) {
  EXPECT_EQ(encode_text(make(packet_type::connect, "/", "")), "0");
  EXPECT_EQ(encode_text(make(packet_type::connect, "/admin", R"({"sid":"x"})")),
            R"(0/admin,{"sid":"x"})");
  EXPECT_EQ(encode_text(make(packet_type::disconnect, "/admin", "")), "1/admin,");
  EXPECT_EQ(encode_text(make(packet_type::event, "/", R"(["foo",1])")), R"(2["foo",1])");
  EXPECT_EQ(encode_text(make(packet_type::event, "/admin", R"(["bar"])", 12)),
            R"(2/admin,12["bar"])");
  EXPECT_EQ(encode_text(make(packet_type::ack, "/admin", R"(["bar"])", 13)),
            R"(3/admin,13["bar"])");
  EXPECT_EQ(encode_text(make(packet_type::connect_error, "/", R"({"message":"Not authorized"})")),
            R"(4{"message":"Not authorized"})");
}

TEST(socketio_packet, keeps_key_order_and_integer_formatting) {
  const char* text = R"(2["m",{"z":1,"a":[true,null,-3,0.5,1e+21],"m":{"3":[false]}},12345678901])";
  EXPECT_EQ(encode_text(decode_one(text)), text);
}

TEST(socketio_packet, binary_event_round_trip) {
  args a;
  a.push_back("x");
  a.push_binary(std::string("\x01\x02\x03", 3));
  packet p = make_event_packet("/", "up", a, 7);
  auto enc = encode(p);
  EXPECT_EQ(*enc.text, R"(51-7["up","x",{"_placeholder":true,"num":0}])");
  ASSERT_EQ(enc.attachments.size(), 1u);
  EXPECT_EQ(enc.attachments[0].get(), a.attachments()[0].get());  // shared, not copied

  decoder d;
  auto first = d.add_text(*enc.text);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->has_value());
  EXPECT_TRUE(d.reconstructing());
  auto done = d.add_binary(*enc.attachments[0]);
  ASSERT_TRUE(done.has_value() && done->has_value());
  packet& got = **done;
  EXPECT_EQ(got.type, packet_type::event);
  EXPECT_EQ(got.id, 7u);
  ASSERT_EQ(got.attachments.size(), 1u);
  EXPECT_EQ(*got.attachments[0], std::string("\x01\x02\x03", 3));
  args back(got.data.as_array(), got.attachments);
  EXPECT_EQ(*back.binary(back[2]), std::string("\x01\x02\x03", 3));
  EXPECT_EQ(back.binary(back[1]), nullptr);
}

TEST(socketio_packet, binary_ack_with_namespace) {
  decoder d;
  ASSERT_TRUE(
      d.add_text(R"(62-/admin,9[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}])"));
  ASSERT_TRUE(d.add_binary("a"));
  auto r = d.add_binary("b");
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ((*r)->type, packet_type::ack);
  EXPECT_EQ((*r)->nsp, "/admin");
  EXPECT_EQ((*r)->id, 9u);
  EXPECT_EQ(encode_text(**r),
            R"(62-/admin,9[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}])");
}

TEST(socketio_packet, binary_event_with_zero_attachments_is_complete_at_once) {
  packet p = decode_one(R"(50-["x"])");
  EXPECT_EQ(p.type, packet_type::event);
}

TEST(socketio_packet, namespace_without_comma_and_connect_payload) {
  packet p = decode_one("0/random");
  EXPECT_EQ(p.nsp, "/random");
  EXPECT_TRUE(p.data.is_null());
  packet q = decode_one(R"(0/custom,{"token":"abc"})");
  EXPECT_EQ(q.nsp, "/custom");
  EXPECT_EQ(q.data.at("token").as_string(), "abc");
}

TEST(socketio_packet, numeric_event_name_is_accepted) {
  EXPECT_EQ(decode_one("2[1,2]").data.as_array().size(), 2u);
}

TEST(socketio_packet, rejects_invalid_packets) {
  EXPECT_EQ(decode_fail(""), decode_error::empty);
  EXPECT_EQ(decode_fail("abc"), decode_error::unknown_type);
  EXPECT_EQ(decode_fail("7[]"), decode_error::unknown_type);
  EXPECT_EQ(decode_fail("2{}"), decode_error::bad_payload);                 // EVENT not an array
  EXPECT_EQ(decode_fail("2[]"), decode_error::bad_payload);                 // no event name
  EXPECT_EQ(decode_fail("2[{}]"), decode_error::bad_payload);               // name not a string
  EXPECT_EQ(decode_fail(R"(2["disconnect"])"), decode_error::bad_payload);  // reserved
  EXPECT_EQ(decode_fail(R"(2abc["m"])"), decode_error::bad_json);           // invalid ack id
  EXPECT_EQ(decode_fail(R"(2["m")"), decode_error::bad_json);
  EXPECT_EQ(decode_fail("2null"), decode_error::bad_json);
  EXPECT_EQ(decode_fail("0[]"), decode_error::bad_payload);  // CONNECT not object
  EXPECT_EQ(decode_fail(R"(0"tok")"), decode_error::bad_payload);
  EXPECT_EQ(decode_fail("1{}"), decode_error::bad_payload);  // DISCONNECT payload
  EXPECT_EQ(decode_fail("3{}"), decode_error::bad_payload);  // ACK not an array
  EXPECT_EQ(decode_fail("4[]"), decode_error::bad_payload);
  EXPECT_EQ(decode_fail(R"(5["m"])"), decode_error::bad_attachments);  // no count
  EXPECT_EQ(decode_fail(R"(5x-["m"])"), decode_error::bad_attachments);
  EXPECT_EQ(decode_fail(R"(21844674407370955161600["m"])"), decode_error::bad_ack_id);
}

TEST(socketio_packet, attachment_limit_at_and_past) {
  decoder d(2);
  auto at = d.add_text(R"(52-["m"])");
  EXPECT_TRUE(at.has_value());
  decoder e(2);
  auto past = e.add_text(R"(53-["m"])");
  ASSERT_FALSE(past.has_value());
  EXPECT_EQ(past.error(), decode_error::bad_attachments);
}

TEST(socketio_packet, reconstruction_errors) {
  decoder d;
  auto stray = d.add_binary("x");
  ASSERT_FALSE(stray.has_value());
  EXPECT_EQ(stray.error(), decode_error::unexpected_binary);

  ASSERT_TRUE(d.add_text(R"(51-["m",{"_placeholder":true,"num":0}])"));
  auto text = d.add_text(R"(2["m"])");
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error(), decode_error::unexpected_text);

  decoder e;
  ASSERT_TRUE(e.add_text(R"(51-["m",{"_placeholder":true,"num":1}])"));
  auto bad = e.add_binary("x");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), decode_error::missing_attachment);
  EXPECT_FALSE(e.reconstructing());
}

TEST(socketio_packet, json_nesting_limit) {
  std::string ok = "2[\"m\"," + std::string(62, '[') + std::string(62, ']') + "]";
  EXPECT_EQ(decode_one(ok).type, packet_type::event);
  std::string deep = "2[\"m\"," + std::string(64, '[') + std::string(64, ']') + "]";
  EXPECT_EQ(decode_fail(deep), decode_error::bad_json);
}

TEST(socketio_packet, lone_surrogates_become_replacement_characters_as_json_parse_keeps_them) {
  // A client cutting a string in the middle of an emoji sends a lone surrogate escape; JSON.parse
  // accepts it, so the packet must not be a decode error (that closes the connection).
  const auto text = [](std::string_view packet_text) {
    auto p = decode_one(packet_text);
    return p.data.is_array() && p.data.as_array().size() == 2 && p.data.as_array()[1].is_string()
               ? std::string(p.data.as_array()[1].get_string())
               : std::string("?");
  };
  EXPECT_EQ(text(R"(2["m","hi \ud83d"])"), "hi \xEF\xBF\xBD");
  EXPECT_EQ(text(R"(2["m","\ude00x"])"), "\xEF\xBF\xBDx");
  EXPECT_EQ(text(R"(2["m","\ud83d\u0041"])"),
            "\xEF\xBF\xBD"
            "A");
  EXPECT_EQ(text(R"(2["m","\ud83d\ud83d\ude00"])"), "\xEF\xBF\xBD\xF0\x9F\x98\x80");
  EXPECT_EQ(text(R"(2["m","\\ud800 \ud83d\ude00"])"),
            "\\ud800 \xF0\x9F\x98\x80");                               // escaped backslash
  EXPECT_EQ(decode_fail(R"(2["m","\ud83d)"), decode_error::bad_json);  // still not JSON
}

TEST(socketio_args, placeholders_and_helpers) {
  args a{1, "two"};
  EXPECT_FALSE(a.has_binary());
  a.push_binary(std::string("bin"));
  EXPECT_TRUE(a.has_binary());
  EXPECT_TRUE(is_placeholder(a[2]));
  EXPECT_FALSE(is_placeholder(a[1]));
  EXPECT_EQ(*a.binary(a[2]), "bin");
  EXPECT_EQ(boost::json::serialize(a.json()), R"([1,"two",{"_placeholder":true,"num":0}])");
}

}  // namespace
}  // namespace chatgate::socketio
