#pragma once
#include <deque>
#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "engineio/settings.hpp"
#include "engineio/transport.hpp"
#include "http/handler.hpp"

namespace chatgate::engineio {

/// Engine.IO over one websocket: a text frame per text packet ("4" and the payload as a two-
/// buffer sequence, no copy), a binary frame per binary message. No per-message deflate.
/// The websocket runs on the bare TCP socket, not on the HTTP session's beast::tcp_stream: that
/// stream's per-operation timeout bookkeeping cost ~5% of a broadcast's CPU, and the websocket
/// stream has its own handshake timer (Engine.IO heartbeats cover the rest).
class websocket_transport final : public transport,
                                  public std::enable_shared_from_this<websocket_transport> {
 public:
  websocket_transport(boost::beast::tcp_stream&& stream, const settings& config);

  /// Completes the websocket handshake for `req`; `done(true)` once open, `done(false)` if the
  /// handshake failed (the stream is closed then).
  void accept(const http::request& req, std::function<void(bool)> done);
  /// Starts the read loop (after set_events).
  void start_reading();

  std::string_view name() const override { return "websocket"; }
  bool writable() const override { return open_ && !writing_; }
  void send(std::vector<outgoing_packet> packets) override;
  /// Close frame after the writes in flight; if they have not finished within close_timeout
  /// (the peer stopped reading), the connection is dropped (Node's ws: closeTimeout).
  void close() override;
  void abort() override;

 private:
  void do_read();
  void on_read(boost::beast::error_code ec);
  void do_write();
  void do_close();

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::asio::steady_timer close_timer_;  // close() waiting for a write in flight
  std::chrono::milliseconds close_timeout_;
  boost::beast::flat_buffer read_buffer_;
  std::deque<outgoing_packet> writes_;
  bool open_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
};

}  // namespace chatgate::engineio
