#pragma once
#include <chrono>
#include <cstddef>

namespace chatgate::socketio {

/// Socket.IO server settings; defaults are the Node server's unless noted.
///
/// Backpressure: outgoing packets go straight to the Engine.IO session's bounded queue
/// (engineio::settings::max_queued_bytes); a client that does not read is closed there with
/// "slow client", which reaches every socket of the session as its disconnect reason. Nothing is
/// buffered per socket at this layer, so a broadcast costs each recipient one queue entry.
struct settings {
  /// A session that has connected to no namespace this long after it opened is closed
  /// (Node's connectTimeout).
  std::chrono::milliseconds connect_timeout{45'000};
  /// How long socket::emit_with_ack waits when no timeout is given (Node waits forever; a
  /// bound keeps a silent client from holding callbacks). Zero: wait until the disconnect.
  std::chrono::milliseconds ack_timeout{30'000};
  /// Most acks a socket may await at once; past it emit_with_ack fails at once with
  /// "too many pending acks" (not in Node, which is unbounded).
  std::size_t max_pending_acks = 1024;
  /// Most binary attachments one received packet may announce (socket.io-parser's
  /// maxAttachments); past it the session is closed as a parse error.
  std::size_t max_attachments = 10;
};

}  // namespace chatgate::socketio
