#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chatgate::engineio {

/// The header of a server -> client websocket frame (RFC 6455 §5.2), which chatgate writes
/// itself so that several frames share one gather write (the payload buffer stays shared):
///
///    0                   1                   2                   3
///   +-+-+-+-+-------+-+-------------+-------------------------------+
///   |F|0|0|0|opcode |0| len (7)     | extended length: 16 bits if   |
///   |I| | | | 1 / 2 | |  0..125,    | len = 126, 64 bits if 127     |
///   |N| | | |       | |  126 or 127 | (network byte order)          |
///   +-+-+-+-+-------+-+-------------+-------------------------------+
///
/// FIN set (no fragmentation), no RSV bits (no per-message deflate), MASK clear (servers never
/// mask). Control frames (pong, close) use the same header. `prefix` is an optional single byte
/// placed right after the header: the Engine.IO packet type of a text frame ("4" of "4{...}"), so a
/// frame is {header+type, shared payload}.
class websocket_frame {
 public:
  static constexpr std::size_t max_header = 10;
  static constexpr std::uint8_t opcode_text = 0x1;
  static constexpr std::uint8_t opcode_binary = 0x2;
  static constexpr std::uint8_t opcode_close = 0x8;
  static constexpr std::uint8_t opcode_pong = 0xA;

  /// Header of a text frame of `1 + payload_size` bytes starting with `prefix`.
  static websocket_frame text(char prefix, std::size_t payload_size);
  /// Header of a binary frame of `payload_size` bytes.
  static websocket_frame binary(std::size_t payload_size);
  /// Header of a control frame (close, pong) of `payload_size` (<= 125) bytes.
  static websocket_frame control(std::uint8_t opcode, std::size_t payload_size);

  /// The header bytes (and the prefix byte of a text frame): written before the payload.
  std::string_view head() const { return {bytes_.data(), size_}; }

 private:
  websocket_frame(std::uint8_t opcode, std::size_t length);

  std::array<char, max_header + 1> bytes_{};
  std::uint8_t size_ = 0;
};

}  // namespace chatgate::engineio
