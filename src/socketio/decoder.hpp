#pragma once
#include <memory>
#include <optional>
#include <string_view>

#include "socketio/packet.hpp"

namespace chatgate::socketio {

/// Turns the Engine.IO messages of one session into packets: a text message is a whole packet,
/// or the header of a binary one that the following binary messages complete (socket.io-parser's
/// BinaryReconstructor). Stateful, one per session.
class decoder {
 public:
  /// `max_attachments`: most binary messages one packet may announce (socket.io-parser: 10).
  explicit decoder(std::size_t max_attachments = 10) : max_attachments_(max_attachments) {}

  /// A packet when complete, nullopt while attachments are awaited, or why the input is invalid.
  decode_result<std::optional<packet>> add_text(std::string_view text);
  decode_result<std::optional<packet>> add_binary(std::string_view bytes);

  /// Whether a binary packet is half received.
  bool reconstructing() const { return pending_ != nullptr; }
  /// Drops a half-received packet (session closed).
  void reset() { pending_.reset(); }

 private:
  decode_result<std::optional<packet>> finish();

  std::size_t max_attachments_;
  // Only while a binary packet's attachments arrive: a decoder lives as long as its session,
  // and an inline decoded_header (a whole packet) would cost every idle session ~150 bytes.
  std::unique_ptr<decoded_header> pending_;
};

}  // namespace chatgate::socketio
