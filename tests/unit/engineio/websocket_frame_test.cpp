// Server -> client websocket frame headers (RFC 6455 §5.2), byte by byte, without sockets.
#include <gtest/gtest.h>

#include <string>

#include "engineio/transports/websocket_frame.hpp"

namespace {

using chatgate::engineio::websocket_frame;

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int v : b) s.push_back(static_cast<char>(v));
  return s;
}

TEST(websocket_frame, binary_of_length_0_is_two_bytes) {
  EXPECT_EQ(websocket_frame::binary(0).head(), bytes({0x82, 0x00}));
}

TEST(websocket_frame, binary_of_length_125_still_fits_the_7_bit_length) {
  EXPECT_EQ(websocket_frame::binary(125).head(), bytes({0x82, 125}));
}

TEST(websocket_frame, binary_of_length_126_takes_the_16_bit_length) {
  EXPECT_EQ(websocket_frame::binary(126).head(), bytes({0x82, 126, 0x00, 126}));
}

TEST(websocket_frame, binary_of_length_65535_is_the_largest_16_bit_length) {
  EXPECT_EQ(websocket_frame::binary(65535).head(), bytes({0x82, 126, 0xff, 0xff}));
}

TEST(websocket_frame, binary_of_length_65536_takes_the_64_bit_length) {
  EXPECT_EQ(websocket_frame::binary(65536).head(),
            bytes({0x82, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00}));
}

TEST(websocket_frame, binary_of_a_large_length_is_big_endian) {
  EXPECT_EQ(websocket_frame::binary(0x0102030405ULL).head(),
            bytes({0x82, 127, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0x05}));
}

// A text frame's length counts the Engine.IO type byte that follows the header.
TEST(websocket_frame, text_of_empty_payload_is_the_type_byte_alone) {
  EXPECT_EQ(websocket_frame::text('3', 0).head(), bytes({0x81, 1, '3'}));
}

TEST(websocket_frame, text_at_124_plus_type_byte_is_125_in_7_bits) {
  EXPECT_EQ(websocket_frame::text('4', 124).head(), bytes({0x81, 125, '4'}));
}

TEST(websocket_frame, text_at_125_plus_type_byte_is_126_in_16_bits) {
  EXPECT_EQ(websocket_frame::text('4', 125).head(), bytes({0x81, 126, 0x00, 126, '4'}));
}

TEST(websocket_frame, text_at_65534_plus_type_byte_is_65535_in_16_bits) {
  EXPECT_EQ(websocket_frame::text('4', 65534).head(), bytes({0x81, 126, 0xff, 0xff, '4'}));
}

TEST(websocket_frame, text_at_65535_plus_type_byte_is_65536_in_64_bits) {
  EXPECT_EQ(websocket_frame::text('4', 65535).head(),
            bytes({0x81, 127, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, '4'}));
}

TEST(websocket_frame, opcodes_differ_and_nothing_is_masked_or_compressed) {
  // head() views the frame's own bytes: keep the frames alive while looking.
  const auto text = websocket_frame::text('4', 10);
  const auto binary = websocket_frame::binary(10);
  for (auto head : {text.head(), binary.head()}) {
    EXPECT_EQ(static_cast<unsigned char>(head[0]) & 0x70, 0);     // no RSV bits (no deflate)
    EXPECT_EQ(static_cast<unsigned char>(head[0]) & 0x80, 0x80);  // FIN
    EXPECT_EQ(static_cast<unsigned char>(head[1]) & 0x80, 0);     // MASK clear
  }
  EXPECT_EQ(static_cast<unsigned char>(text.head()[0]) & 0x0f, 0x1);
  EXPECT_EQ(static_cast<unsigned char>(binary.head()[0]) & 0x0f, 0x2);
}

TEST(websocket_frame, pong_and_close_headers_are_final_unmasked_control_frames) {
  EXPECT_EQ(websocket_frame::control(websocket_frame::opcode_pong, 0).head(), bytes({0x8A, 0}));
  EXPECT_EQ(websocket_frame::control(websocket_frame::opcode_pong, 125).head(), bytes({0x8A, 125}));
  EXPECT_EQ(websocket_frame::control(websocket_frame::opcode_close, 2).head(), bytes({0x88, 2}));
}

}  // namespace
