#include <gtest/gtest.h>

#include "engineio/packet.hpp"
#include "engineio/payload.hpp"

namespace {

using namespace chatgate::engineio;

TEST(packet_codec, decodes_every_text_type) {
  const std::pair<const char*, packet_type> cases[] = {
      {"0", packet_type::open}, {"1", packet_type::close},   {"2", packet_type::ping},
      {"3", packet_type::pong}, {"4", packet_type::message}, {"5", packet_type::upgrade},
      {"6", packet_type::noop}};
  for (const auto& [text, type] : cases) {
    auto p = decode_packet(text);
    ASSERT_TRUE(p) << text;
    EXPECT_EQ(p->type, type);
    EXPECT_EQ(p->data, "");
    EXPECT_FALSE(p->binary);
  }
}

TEST(packet_codec, keeps_the_data_after_the_type) {
  auto p = decode_packet("4hello \xc3\xa9\x1f");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->data, "hello \xc3\xa9\x1f");
  auto probe = decode_packet("2probe");
  ASSERT_TRUE(probe);
  EXPECT_EQ(probe->type, packet_type::ping);
  EXPECT_EQ(probe->data, "probe");
}

TEST(packet_codec, decodes_base64_binary) {
  auto p = decode_packet("bAQIDBA==");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, packet_type::message);
  EXPECT_TRUE(p->binary);
  EXPECT_EQ(p->data, std::string("\x01\x02\x03\x04", 4));
}

TEST(packet_codec, reports_errors_as_values) {
  EXPECT_EQ(decode_packet("").error(), codec_error::empty);
  EXPECT_EQ(decode_packet("abc").error(), codec_error::unknown_type);
  EXPECT_EQ(decode_packet("7").error(), codec_error::unknown_type);
  EXPECT_EQ(decode_packet("/").error(), codec_error::unknown_type);
  EXPECT_EQ(decode_packet("b!!!!").error(), codec_error::bad_base64);
  EXPECT_EQ(decode_packet("bA").error(), codec_error::bad_base64);  // one dangling sextet
}

TEST(packet_codec, binary_frames_are_messages) {
  auto p = decode_binary_frame(std::string("\x00\xff", 2));
  EXPECT_EQ(p, (packet{packet_type::message, std::string("\x00\xff", 2), true}));
}

TEST(packet_codec, encodes_text_and_binary) {
  EXPECT_EQ(encode_packet(packet{packet_type::message, "hi", false}), "4hi");
  EXPECT_EQ(encode_packet(packet{packet_type::ping, "", false}), "2");
  EXPECT_EQ(encode_packet(packet{packet_type::message, "\x01\x02\x03\x04", true}), "bAQIDBA==");
}

TEST(payload_codec, splits_on_the_record_separator) {
  auto d = decode_payload(
      "4hello\x1e"
      "2\x1e"
      "bAQIDBA==");
  EXPECT_FALSE(d.error);
  ASSERT_EQ(d.packets.size(), 3u);
  EXPECT_EQ(d.packets[0], (packet{packet_type::message, "hello", false}));
  EXPECT_EQ(d.packets[1].type, packet_type::ping);
  EXPECT_TRUE(d.packets[2].binary);
}

TEST(payload_codec, keeps_packets_before_an_error) {
  auto d = decode_payload(
      "4a\x1e"
      "4b\x1ezzz\x1e"
      "4c");
  ASSERT_TRUE(d.error);
  EXPECT_EQ(*d.error, codec_error::unknown_type);
  ASSERT_EQ(d.packets.size(), 2u);
  EXPECT_EQ(d.packets[1].data, "b");
}

TEST(payload_codec, empty_elements_are_errors) {
  EXPECT_EQ(decode_payload("").error, codec_error::empty);
  auto d = decode_payload("4a\x1e");
  EXPECT_EQ(d.error, codec_error::empty);
  EXPECT_EQ(d.packets.size(), 1u);
}

TEST(payload_codec, writer_joins_packets) {
  payload_writer w;
  EXPECT_TRUE(w.empty());
  w.add(packet_type::message, "test1");
  w.add(packet_type::message, "\x01\x02\x03\x04", true);
  w.add(packet_type::noop, "");
  EXPECT_EQ(w.count(), 3u);
  EXPECT_EQ(w.take(),
            "4test1\x1e"
            "bAQIDBA==\x1e"
            "6");
}

TEST(payload_codec, writer_output_decodes_back) {
  payload_writer w;
  w.add(packet_type::message, "x\xe2\x82\xac");
  w.add(packet_type::message, std::string("\x00\x1e", 2), true);
  auto d = decode_payload(w.take());
  ASSERT_FALSE(d.error);
  ASSERT_EQ(d.packets.size(), 2u);
  EXPECT_EQ(d.packets[0].data, "x\xe2\x82\xac");
  EXPECT_EQ(d.packets[1].data, std::string("\x00\x1e", 2));
}

}  // namespace
