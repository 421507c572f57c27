#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "engineio/settings.hpp"
#include "engineio/transport.hpp"
#include "engineio/transports/websocket_frame.hpp"
#include "http/handler.hpp"

namespace chatgate::engineio {

/// Engine.IO over one websocket. Reading, the handshake and the close handshake go through
/// Beast; server -> client data frames are framed here (websocket_frame: header bytes + the
/// shared payload, never copied per recipient) so that frames are corked: a send() queues its
/// frames and posts one flush; the flush waits while more frames keep arriving (at most
/// max_cork_turns passes of the event loop, at most cork_bytes), then writes every queued frame
/// with one gather write (writev). A broadcast in a loop turn, and the message:send reads
/// already buffered from a busy sender, then cost one system call per recipient socket, not one
/// per frame. No per-message deflate.
/// The flush passes of all corked transports of one io_context share one posted handler per
/// loop pass (flush_list). The gather write is first tried without blocking (the socket is in
/// non-blocking mode); only what the kernel does not take is written with async_write.
/// The websocket runs on the bare TCP socket, not on the HTTP session's beast::tcp_stream (its
/// per-operation timeout bookkeeping cost ~5% of a broadcast's CPU); Beast's handshake timer and
/// the Engine.IO heartbeats bound the rest.
/// Caveat: Beast answers a websocket ping frame from the client with a pong written by itself;
/// were that to happen while one of our writes is only partly written (a client that sends ping
/// frames *and* does not read), the two could interleave. Engine.IO clients do not send ping
/// frames (their heartbeat is the Engine.IO ping packet, a data frame).
class websocket_transport final : public transport,
                                  public std::enable_shared_from_this<websocket_transport> {
 public:
  /// A flush waits at most this many loop passes for more frames (the first pass always).
  static constexpr int max_cork_turns = 8;
  /// ... and no longer once this many bytes are queued.
  static constexpr std::size_t cork_bytes = 64 * 1024;

  websocket_transport(boost::beast::tcp_stream&& stream, const settings& config);

  /// Completes the websocket handshake for `req`; `done(true)` once open, `done(false)` if the
  /// handshake failed (the stream is closed then).
  void accept(const http::request& req, std::function<void(bool)> done);
  /// Starts the read loop (after set_events).
  void start_reading();

  std::string_view name() const override { return "websocket"; }
  bool writable() const override { return open_ && !writing_; }
  void send(std::vector<outgoing_packet> packets) override;
  /// Close frame after the queued frames are written; if they have not been written within
  /// close_timeout (the peer stopped reading), the connection is dropped (Node's ws:
  /// closeTimeout).
  void close() override;
  void abort() override;

 private:
  struct flush_list;

  void do_read();
  void on_read(boost::beast::error_code ec);
  void post_flush();
  void on_flush();
  void write_queued();
  void on_written(boost::beast::error_code ec);
  void do_close();

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
  boost::asio::steady_timer close_timer_;  // close() waiting for queued frames to be written
  std::chrono::milliseconds close_timeout_;
  boost::beast::flat_buffer read_buffer_;
  std::vector<outgoing_packet> queued_;     // corked, not written yet
  std::size_t queued_bytes_ = 0;            // payload bytes in queued_
  std::vector<outgoing_packet> in_flight_;  // the gather write's packets (keeps payloads alive)
  std::vector<websocket_frame> heads_;      // their frame headers
  std::vector<boost::asio::const_buffer> buffers_;
  std::size_t frames_at_last_turn_ = 0;  // queued_.size() when the flush last looked
  int cork_turns_ = 0;
  bool flush_posted_ = false;
  bool open_ = false;
  bool writing_ = false;
  bool close_requested_ = false;
  bool close_sent_ = false;
};

}  // namespace chatgate::engineio
