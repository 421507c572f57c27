#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace chatgate::engineio {

/// Close codes the reader fails a connection with (RFC 6455 §7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t no_status = 1005;  // a close frame without a code (never sent)
inline constexpr std::uint16_t bad_payload = 1007;
inline constexpr std::uint16_t too_big = 1009;
}  // namespace close_code

/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF).
bool valid_utf8(std::string_view text);

/// An incremental parser of client -> server websocket frames (RFC 6455 §5), without I/O:
///
///    0                   1                   2                   3
///   +-+-+-+-+-------+-+-------------+-------------------------------+
///   |F|R|R|R|opcode |M| len (7)     | extended length: 16 bits if   |
///   |I|S|S|S| 0 1 2 | |  0..125,    | len = 126, 64 bits if 127     |
///   |N|V|V|V| 8 9 A |1|  126 or 127 | (network byte order)          |
///   +-+-+-+-+-------+-+-------------+-------------------------------+
///   | masking key (4 bytes; MASK must be set by a client)           |
///   +---------------------------------------------------------------+
///   | payload (len bytes, XOR the masking key)                      |
///
/// The caller reads into a buffer it owns (one per io thread) and calls next() until it answers
/// need_more. Frames complete in that buffer are unmasked in place and returned as views into
/// it: an idle socket holds no buffer. Only a frame or fragmented message that spans reads is
/// copied into the reader's own storage, released as soon as its message is returned.
/// Enforced: MASK set, RSV bits clear (no extension is negotiated), known opcodes, control
/// frames <= 125 bytes and not fragmented, continuation frames only inside a message and data
/// frames only outside one, messages <= max_message bytes, text messages and close reasons
/// valid UTF-8, close codes valid for the wire. A violation is an `error` event carrying the
/// close code to fail the connection with; the reader then stays failed.
class websocket_reader {
 public:
  enum class kind : std::uint8_t {
    need_more,  // every byte given is consumed; call again with the next read
    text,       // a complete text message (valid UTF-8)
    binary,     // a complete binary message
    ping,       // data: its payload (to echo in a pong)
    pong,
    close,  // code (close_code::no_status without one) and data: the reason
    error,  // code: the close code to fail the connection with
  };
  struct event {
    kind what = kind::need_more;
    std::string_view data;  // valid until the next call to next()
    std::uint16_t code = 0;
  };

  /// `max_message`: the largest message (all fragments together) accepted; past it the
  /// connection fails with 1009 (Engine.IO's maxPayload).
  explicit websocket_reader(std::size_t max_message) : max_message_(max_message) {}

  /// Consumes bytes from the front of `input` (unmasking them in place) and returns the next
  /// event; `input` is advanced past what was consumed.
  event next(std::span<char>& input);

  /// Whether a partial frame or message is held (bytes are owed by the peer).
  bool mid_message() const { return in_frame_ || head_size_ != 0 || message_ != 0; }
  /// Heap bytes held for the peer's data between reads (0 when idle).
  std::size_t held_bytes() const {
    return held_ ? sizeof(held) + heap(held_->message) + heap(held_->control) : 0;
  }

 private:
  event read_header(std::span<char>& input, bool& complete);
  event check_header();
  event control_payload(std::span<char>& input);
  event data_payload(std::span<char>& input);
  event finish_control(std::string_view payload);
  event finish_message(std::string_view payload);
  event fail(std::uint16_t code);
  void unmask(char* data, std::size_t n);
  static std::size_t heap(const std::string& s) {
    return s.capacity() > std::string().capacity() ? s.capacity() : 0;
  }

  /// What spans reads; allocated only then (an idle reader holds nothing on the heap).
  struct held {
    std::string message;  // a message that spans reads or frames
    std::string control;  // a control frame that spans reads
  };
  held& hold();

  std::size_t max_message_;
  std::unique_ptr<held> held_;
  std::uint64_t remaining_ = 0;     // payload bytes of the current frame not yet consumed
  std::uint64_t message_size_ = 0;  // bytes of the current message so far
  std::array<char, 14> head_{};     // a frame header that spans reads
  std::array<std::uint8_t, 4> mask_{};
  std::uint8_t head_size_ = 0;
  std::uint8_t mask_offset_ = 0;
  std::uint8_t opcode_ = 0;   // of the current frame
  std::uint8_t message_ = 0;  // opcode of the message in progress (text/binary), 0: none
  bool fin_ = false;
  bool in_frame_ = false;  // header read, payload pending
  bool release_ = false;   // the last event pointed into held_: free it on the next call
  bool failed_ = false;
};

}  // namespace chatgate::engineio
