// Client -> server websocket frames (RFC 6455 §5) through websocket_reader, without sockets:
// every rule, at its limit and one past it, and every frame split at every byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engineio/transports/websocket_reader.hpp"

namespace {

using chatgate::engineio::valid_utf8;
using chatgate::engineio::websocket_reader;
namespace close_code = chatgate::engineio::close_code;
using kind = websocket_reader::kind;

/// A client frame: `first` is the first byte (FIN, RSV, opcode); masked unless told otherwise.
std::string frame(std::uint8_t first, std::string_view payload, bool masked = true,
                  int force_ext = -1) {
  std::string f(1, static_cast<char>(first));
  const std::uint8_t m = masked ? 0x80 : 0;
  const std::size_t n = payload.size();
  const int ext = force_ext >= 0 ? force_ext : n <= 125 ? 0 : n <= 0xFFFF ? 2 : 8;
  if (ext == 0) {
    f.push_back(static_cast<char>(m | n));
  } else {
    f.push_back(static_cast<char>(m | (ext == 2 ? 126 : 127)));
    for (int i = ext - 1; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) f.append(key, 4);
  for (std::size_t i = 0; i < n; ++i) f.push_back(masked ? payload[i] ^ key[i & 3] : payload[i]);
  return f;
}
std::string text(std::string_view p) {
  return frame(0x81, p);
}
std::string binary(std::string_view p) {
  return frame(0x82, p);
}
std::string close_payload(std::uint16_t code, std::string_view reason = {}) {
  std::string p{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  p += reason;
  return p;
}

struct seen {
  kind what;
  std::string data;
  std::uint16_t code;
  bool operator==(const seen&) const = default;
};
std::ostream& operator<<(std::ostream& os, const seen& s) {
  return os << static_cast<int>(s.what) << ":" << s.data << ":" << s.code;
}

/// Feeds `wire` in reads of `chunk` bytes (0: all at once) and collects the events.
std::vector<seen> parse(std::string wire, std::size_t max = 1000, std::size_t chunk = 0) {
  websocket_reader reader(max);
  std::vector<seen> out;
  if (chunk == 0) chunk = wire.size() == 0 ? 1 : wire.size();
  for (std::size_t at = 0; at < wire.size(); at += chunk) {
    std::string piece = wire.substr(at, chunk);  // a fresh buffer per read, as the io thread's
    std::span<char> in(piece.data(), piece.size());
    for (;;) {
      auto ev = reader.next(in);
      if (ev.what == kind::need_more) break;
      out.push_back({ev.what, std::string(ev.data), ev.code});
    }
    EXPECT_TRUE(in.empty());
  }
  return out;
}
std::vector<seen> error(std::uint16_t code) {
  return {{kind::error, "", code}};
}

TEST(websocket_reader, text_and_binary_messages) {
  EXPECT_EQ(
      parse(text("4hello") + binary(std::string("\0\1\2", 3))),
      (std::vector<seen>{{kind::text, "4hello", 0}, {kind::binary, std::string("\0\1\2", 3), 0}}));
}

TEST(websocket_reader, every_split_of_every_length_class_gives_the_same_messages) {
  for (std::size_t n : {0, 1, 125, 126, 127, 1000, 65535, 65536, 70000}) {
    const std::string payload(n, 'x');
    const std::string wire = text(payload) + binary(payload) + frame(0x89, "p") + text("4");
    const std::vector<seen> want{{kind::text, payload, 0},
                                 {kind::binary, payload, 0},
                                 {kind::ping, "p", 0},
                                 {kind::text, "4", 0}};
    for (std::size_t chunk : {1, 2, 3, 7, 13, 64, 4096}) {
      if (n > 1000 && chunk < 64) continue;  // slow, and covered by the smaller sizes
      EXPECT_EQ(parse(wire, 100'000, chunk), want) << n << " in reads of " << chunk;
    }
  }
}

TEST(websocket_reader, unmasked_frame_fails_with_1002) {
  EXPECT_EQ(parse(frame(0x81, "4x", false)), error(close_code::protocol_error));
}

TEST(websocket_reader, each_rsv_bit_fails_with_1002) {
  for (std::uint8_t rsv : {0x40, 0x20, 0x10})
    EXPECT_EQ(parse(frame(0x81 | rsv, "4x")), error(close_code::protocol_error)) << int(rsv);
}

TEST(websocket_reader, reserved_opcodes_fail_with_1002) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    EXPECT_EQ(parse(frame(0x80 | op, "")), error(close_code::protocol_error)) << int(op);
}

TEST(websocket_reader, nothing_is_read_after_a_failure) {
  EXPECT_EQ(parse(frame(0x81, "4x", false) + text("4y")), error(close_code::protocol_error));
}

TEST(websocket_reader, message_at_max_is_accepted_one_past_fails_with_1009) {
  EXPECT_EQ(parse(text(std::string(64, 'x')), 64),
            (std::vector<seen>{{kind::text, std::string(64, 'x'), 0}}));
  EXPECT_EQ(parse(text(std::string(65, 'x')), 64), error(close_code::too_big));
}

TEST(websocket_reader, fragments_count_together_against_max) {
  const std::string at = frame(0x01, std::string(32, 'a')) + frame(0x80, std::string(32, 'b'));
  EXPECT_EQ(parse(at, 64),
            (std::vector<seen>{{kind::text, std::string(32, 'a') + std::string(32, 'b'), 0}}));
  const std::string past = frame(0x01, std::string(32, 'a')) + frame(0x80, std::string(33, 'b'));
  EXPECT_EQ(parse(past, 64), error(close_code::too_big));
}

TEST(websocket_reader, too_big_fails_on_the_header_before_the_payload_arrives) {
  const std::string header = text(std::string(100'000, 'x')).substr(0, 14);
  EXPECT_EQ(parse(header, 64), error(close_code::too_big));
}

TEST(websocket_reader, fragmented_message_with_interleaved_control_frames) {
  const std::string wire = frame(0x02, "ab") + frame(0x89, "ping") + frame(0x00, "cd") +
                           frame(0x8A, "pong") + frame(0x80, "ef");
  for (std::size_t chunk : {0, 1, 5})
    EXPECT_EQ(parse(wire, 1000, chunk),
              (std::vector<seen>{
                  {kind::ping, "ping", 0}, {kind::pong, "pong", 0}, {kind::binary, "abcdef", 0}}))
        << chunk;
}

TEST(websocket_reader, empty_fragments_and_empty_messages) {
  EXPECT_EQ(parse(frame(0x01, "") + frame(0x00, "") + frame(0x80, "")),
            (std::vector<seen>{{kind::text, "", 0}}));
  EXPECT_EQ(parse(frame(0x01, "") + frame(0x80, "4x")), (std::vector<seen>{{kind::text, "4x", 0}}));
}

TEST(websocket_reader, continuation_without_a_message_fails_with_1002) {
  EXPECT_EQ(parse(frame(0x80, "x")), error(close_code::protocol_error));
}

TEST(websocket_reader, new_message_inside_a_fragmented_one_fails_with_1002) {
  EXPECT_EQ(parse(frame(0x01, "a") + text("b")), error(close_code::protocol_error));
}

TEST(websocket_reader, control_frame_of_125_bytes_is_accepted_126_fails) {
  const std::string at(125, 'p');
  EXPECT_EQ(parse(frame(0x89, at)), (std::vector<seen>{{kind::ping, at, 0}}));
  EXPECT_EQ(parse(frame(0x89, std::string(126, 'p'))), error(close_code::protocol_error));
}

TEST(websocket_reader, fragmented_control_frame_fails_with_1002) {
  EXPECT_EQ(parse(frame(0x09, "p")), error(close_code::protocol_error));
  EXPECT_EQ(parse(frame(0x08, "")), error(close_code::protocol_error));
}

TEST(websocket_reader, length_not_in_its_shortest_form_fails_with_1002) {
  EXPECT_EQ(parse(frame(0x82, std::string(125, 'x'), true, 2)), error(close_code::protocol_error));
  EXPECT_EQ(parse(frame(0x82, std::string(126, 'x'), true, 2)),
            (std::vector<seen>{{kind::binary, std::string(126, 'x'), 0}}));
  EXPECT_EQ(parse(frame(0x82, std::string(65535, 'x'), true, 8), 100'000),
            error(close_code::protocol_error));
  EXPECT_EQ(parse(frame(0x82, std::string(65536, 'x'), true, 8), 100'000),
            (std::vector<seen>{{kind::binary, std::string(65536, 'x'), 0}}));
}

TEST(websocket_reader, length_with_the_top_bit_set_fails_with_1002) {
  std::string header{static_cast<char>(0x82), static_cast<char>(0x80 | 127)};
  header += std::string("\x80\0\0\0\0\0\0\0", 8) + "\1\2\3\4";
  EXPECT_EQ(parse(header, ~std::size_t{0}), error(close_code::protocol_error));
}

TEST(websocket_reader, invalid_utf8_text_fails_with_1007_binary_does_not) {
  EXPECT_EQ(parse(text("4\xC3\xA9")), (std::vector<seen>{{kind::text, "4\xC3\xA9", 0}}));
  EXPECT_EQ(parse(text("4\xC3")), error(close_code::bad_payload));
  EXPECT_EQ(parse(binary("\xC3")), (std::vector<seen>{{kind::binary, "\xC3", 0}}));
}

TEST(websocket_reader, utf8_split_across_fragments_is_valid) {
  EXPECT_EQ(parse(frame(0x01, "\xE2\x82") + frame(0x80, "\xAC")),
            (std::vector<seen>{{kind::text, "\xE2\x82\xAC", 0}}));
}

TEST(websocket_reader, utf8_rules) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii, more than eight bytes"));
  EXPECT_TRUE(valid_utf8("\x7F"));
  EXPECT_TRUE(valid_utf8("\xC2\x80"));           // U+0080, first 2-byte
  EXPECT_FALSE(valid_utf8("\xC1\xBF"));          // overlong U+007F
  EXPECT_TRUE(valid_utf8("\xE0\xA0\x80"));       // U+0800, first 3-byte
  EXPECT_FALSE(valid_utf8("\xE0\x9F\xBF"));      // overlong U+07FF
  EXPECT_TRUE(valid_utf8("\xED\x9F\xBF"));       // U+D7FF, last before the surrogates
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_TRUE(valid_utf8("\xF0\x90\x80\x80"));   // U+10000, first 4-byte
  EXPECT_FALSE(valid_utf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));   // U+10FFFF, the last
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(valid_utf8("\x80"));          // continuation as lead
  EXPECT_FALSE(valid_utf8("\xE2\x82"));      // truncated
  EXPECT_FALSE(valid_utf8("\xE2\x28\xA1"));  // bad continuation
  EXPECT_FALSE(valid_utf8("abcdefgh\xFF"));  // after an ASCII run
}

TEST(websocket_reader, close_with_code_and_reason) {
  EXPECT_EQ(parse(frame(0x88, close_payload(1000, "bye"))),
            (std::vector<seen>{{kind::close, "bye", 1000}}));
}

TEST(websocket_reader, close_without_payload_reports_no_status) {
  EXPECT_EQ(parse(frame(0x88, "")), (std::vector<seen>{{kind::close, "", close_code::no_status}}));
}

TEST(websocket_reader, close_with_one_byte_fails_with_1002) {
  EXPECT_EQ(parse(frame(0x88, "\x03")), error(close_code::protocol_error));
}

TEST(websocket_reader, close_codes_valid_on_the_wire) {
  for (std::uint16_t ok :
       {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 3000, 4999})
    EXPECT_EQ(parse(frame(0x88, close_payload(ok))), (std::vector<seen>{{kind::close, "", ok}}))
        << ok;
  for (std::uint16_t bad : {0, 999, 1004, 1005, 1006, 1014, 1015, 1016, 2999, 5000, 65535})
    EXPECT_EQ(parse(frame(0x88, close_payload(bad))), error(close_code::protocol_error)) << bad;
}

TEST(websocket_reader, close_reason_of_123_bytes_is_accepted_124_fails) {
  const std::string at(123, 'r');
  EXPECT_EQ(parse(frame(0x88, close_payload(1000, at))),
            (std::vector<seen>{{kind::close, at, 1000}}));
  EXPECT_EQ(parse(frame(0x88, close_payload(1000, at + "r"))), error(close_code::protocol_error));
}

TEST(websocket_reader, close_reason_must_be_utf8) {
  EXPECT_EQ(parse(frame(0x88, close_payload(1000, "\xFF"))), error(close_code::bad_payload));
}

TEST(websocket_reader, nothing_is_read_after_a_close_frame) {
  EXPECT_EQ(parse(frame(0x88, close_payload(1001)) + text("4late")),
            (std::vector<seen>{{kind::close, "", 1001}}));
}

TEST(websocket_reader, an_idle_reader_holds_no_bytes_after_a_message_that_spanned_reads) {
  websocket_reader reader(100'000);
  std::string wire = binary(std::string(5000, 'x'));
  std::string first = wire.substr(0, 100), second = wire.substr(100);
  std::span<char> in(first.data(), first.size());
  EXPECT_EQ(reader.next(in).what, kind::need_more);
  EXPECT_TRUE(reader.mid_message());
  EXPECT_GE(reader.held_bytes(), 5000u);
  in = std::span<char>(second.data(), second.size());
  auto ev = reader.next(in);
  EXPECT_EQ(ev.what, kind::binary);
  EXPECT_EQ(ev.data.size(), 5000u);
  EXPECT_EQ(reader.next(in).what, kind::need_more);
  EXPECT_FALSE(reader.mid_message());
  EXPECT_EQ(reader.held_bytes(), 0u);
}

TEST(websocket_reader, a_message_whole_in_one_read_is_returned_in_place) {
  websocket_reader reader(1000);
  std::string wire = text("4in place");
  std::span<char> in(wire.data(), wire.size());
  auto ev = reader.next(in);
  EXPECT_EQ(ev.what, kind::text);
  EXPECT_GE(ev.data.data(), wire.data());
  EXPECT_LT(ev.data.data(), wire.data() + wire.size());
  EXPECT_EQ(reader.held_bytes(), 0u);
}

}  // namespace
