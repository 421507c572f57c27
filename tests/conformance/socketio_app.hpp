#pragma once
// The Socket.IO half of conformance_server: what the official v5 suite and tests/e2e expect.
#include <deque>
#include <string>

#include <boost/asio/io_context.hpp>

#include "engineio/server.hpp"
#include "socketio/server.hpp"

namespace chatgate::conformance {

/// Engine.IO server at /socket.io/ (pingInterval 300, pingTimeout 200, maxPayload 1e6) carrying
/// a Socket.IO server (connectTimeout 1000) with namespaces "/" and "/custom":
///   on connect        emit `auth` with the CONNECT payload ({} when none)
///   "/" `message`     emit `message-back` with the same args (binary included)
///   "/" `message-with-ack`  ack with the same args
/// and, for tests/e2e only, on "/custom":
///   `request-ack` [event, args...]  server emits `event` with args asking an ack (timeout 2 s),
///                                   then emits `ack-result` [reply...] or [{"error": message}]
///   `drop-transport`                closes the Engine.IO session (no DISCONNECT: clients
///   reconnect) `server-disconnect`             socket.disconnect() (the client sees "io server
///   disconnect") `disconnect-reasons` + ack      the last server-side disconnect reasons, oldest
///   first
class socketio_app {
 public:
  explicit socketio_app(boost::asio::io_context& ioc);

  engineio::server& engine() { return engine_; }
  void close();

 private:
  void on_connection(const std::shared_ptr<socketio::socket>& s);
  void add_test_events(const std::shared_ptr<socketio::socket>& s);

  engineio::server engine_;
  socketio::server io_;
  std::deque<std::string> reasons_;
};

}  // namespace chatgate::conformance
