#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engineio/handshake_info.hpp"

namespace chatgate::engineio {

/// Shared, immutable bytes: a broadcast is encoded once and the same buffer queued everywhere.
using shared_bytes = std::shared_ptr<const std::string>;

/// One Engine.IO session as the Socket.IO layer sees it. Lives on the io thread; the transport
/// (polling, websocket, upgrade) is invisible from here. Abstract so that socketio/ is unit-
/// tested with a fake.
class socket {
 public:
  virtual ~socket() = default;

  virtual const std::string& id() const = 0;
  virtual const handshake_info& handshake() const = 0;
  /// The same, shared with whoever keeps it (each Socket.IO socket of the session): a copy
  /// unless the implementation holds it in a shared_ptr.
  virtual std::shared_ptr<const handshake_info> shared_handshake() const {
    return std::make_shared<const handshake_info>(handshake());
  }
  /// "polling" or "websocket": the transport in use now.
  virtual std::string_view transport_name() const = 0;

  /// Queues a MESSAGE packet with a text payload (the Engine.IO "4" prefix is added by the
  /// transport without copying `data`).
  virtual void send_text(shared_bytes data) = 0;
  /// Queues a MESSAGE packet with a binary payload (binary frame, or "b"+base64 on polling).
  virtual void send_binary(shared_bytes data) = 0;
  /// Sends what is queued, then closes the session; on_close fires with "forced close".
  virtual void close() = 0;

  /// The layer above vouches for this session (the gateway checked its user's token): it no
  /// longer counts against settings::max_unauthenticated. Idempotent.
  void mark_authenticated() {
    if (authenticated_) return;
    authenticated_ = true;
    if (on_authenticated) on_authenticated();
  }
  bool authenticated() const { return authenticated_; }
  /// Set by the server that opened the session (its count of unauthenticated sessions).
  std::function<void()> on_authenticated;

  /// Set by the layer above right after the connection callback.
  std::function<void(std::string_view text)> on_text;
  std::function<void(std::string_view bytes)> on_binary;
  /// Fires once, with the Node server's reason strings: "transport close", "ping timeout",
  /// "transport error", "forced close", "parse error", "slow client" (outgoing queue over limit).
  std::function<void(std::string_view reason)> on_close;

 private:
  bool authenticated_ = false;
};

}  // namespace chatgate::engineio
