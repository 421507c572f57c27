#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "engineio/settings.hpp"
#include "engineio/transport.hpp"
#include "engineio/transports/send_batch.hpp"
#include "engineio/transports/websocket_frame.hpp"
#include "engineio/transports/websocket_reader.hpp"
#include "http/handler.hpp"

namespace chatgate::engineio {

/// Engine.IO over one websocket, on the bare TCP socket, with no websocket library underneath:
/// the handshake answer (websocket_handshake), the frame parser (websocket_reader) and the
/// frame headers (websocket_frame) are ours.
///
/// Reading (the uWebSockets way): an idle socket owns no read buffer. It waits for readability
/// (async_wait), then reads without blocking into the io thread's buffer (read_buffer_size,
/// one per thread) and parses in place; only a frame or message that spans reads is copied into
/// the reader's own storage, released when the message completes.
///
/// Writing: a send() queues its frames and posts one flush; the flush waits while more frames
/// keep arriving (at most max_cork_turns passes of the event loop, none starting max_cork_us or
/// more after the first, at most cork_bytes), then
/// writes every queued frame with one gather write, first without blocking; only what
/// the kernel does not take is written with async_write. The sockets that write in the same
/// flush pass do so in one system call (send_batch: one io_uring submission for all). The flush
/// passes of all corked transports of one io_context share one posted handler per loop pass
/// (flush_list). Control frames (a pong echoing a ping, the close frame) go into the same gather
/// writes, at a frame boundary: nothing is ever written in the middle of a partly written frame. Of
/// several pings read before their pong is written, only the latest is answered (one pong queued at
/// most).
///
/// Closing: close() queues a close frame (1000) behind the queued frames; if they are not
/// written within close_timeout (the peer stopped reading) the connection is dropped (Node's ws:
/// closeTimeout). Once the close frame is written the peer has handshake_timeout to answer it.
/// A close frame from the peer is answered (its code echoed) and reported as a transport close;
/// a protocol violation is answered with a close frame carrying the reader's code (1002, 1007,
/// 1009) and reported as a transport error. No per-message deflate.
class websocket_transport final : public transport,
                                  public std::enable_shared_from_this<websocket_transport> {
 public:
  /// A flush waits at most this many loop passes for more frames (the first pass always)...
  static constexpr int max_cork_turns = 8;
  /// ... and not once this long has passed since its first pass: under load a
  /// pass of the loop takes milliseconds, and a socket that gets frames every pass (a sender's
  /// acks and its own messages) would otherwise wait eight of them.
  static constexpr std::uint32_t max_cork_us = 1000;
  /// ... and no longer once this many bytes are queued.
  static constexpr std::size_t cork_bytes = 64 * 1024;
  /// The io thread's read buffer: the most one read takes from one socket.
  static constexpr std::size_t read_buffer_size = 64 * 1024;
  /// Full reads from one socket in one turn before other handlers get a turn.
  static constexpr int max_reads_per_turn = 4;

  websocket_transport(boost::beast::tcp_stream&& stream, const settings& config);

  /// Answers the upgrade request `req`; `done(true)` once the 101 response is written,
  /// `done(false)` if the request was refused (400/426 written) or the write failed (the
  /// connection is closed then).
  void accept(const http::request& req, std::function<void(bool)> done);
  /// Starts the read loop (after set_events).
  void start_reading();

  std::string_view name() const override { return "websocket"; }
  bool writable() const override { return open_ && !close_queued_ && !writing_; }
  void send(std::vector<outgoing_packet> packets) override;
  void close() override;
  void abort() override;

 private:
  struct flush_list;

  void wait_readable();
  void on_readable(boost::system::error_code ec);
  bool on_bytes(std::span<char> input);
  void on_message(websocket_reader::kind what, std::string_view data);
  void on_peer_close(std::uint16_t code);
  void on_protocol_error(std::uint16_t code);
  void on_read_error(boost::system::error_code ec);
  void queue_close(std::uint16_t code);
  void post_flush();
  /// A flush pass; `pass_us`: the pass's start (steady clock, µs, 32 bits), read once per pass.
  /// A transport that writes now prepares its gather write and joins `ready`: the pass writes
  /// them all together (send_batch), then each takes its result (finish_write).
  void on_flush(std::uint32_t pass_us, std::vector<websocket_transport*>& ready);
  /// prepare_write, then its write as a send_batch of one, finish_write.
  void write_queued();
  /// Moves the queued frames (and a pong, the close frame) into a new write_batch.
  void prepare_write();
  /// The prepared batch as a send_batch request; its iovecs are appended to `iov`, which must
  /// not reallocate until the write is done.
  send_batch::request write_request(std::vector<iovec>& iov);
  /// What the non-blocking write of the prepared batch did (send_batch::request::result: bytes
  /// written, or -errno; -EAGAIN wrote nothing). The rest is written with async_write.
  void finish_write(ssize_t result);
  void on_written(boost::system::error_code ec);
  void on_close_written();
  void teardown();
  void arm_timer(std::chrono::milliseconds after);
  bool close_pending() const { return close_queued_ && !close_in_flight_ && !close_written_; }

  /// One gather write: allocated when it starts, freed when it completes (an idle socket holds
  /// no write state).
  struct write_batch {
    std::vector<outgoing_packet> packets;  // keep the payloads alive
    std::vector<websocket_frame> heads;    // their frame headers
    std::string control;                   // the pong frame, whole (header + payload)
    std::vector<boost::asio::const_buffer> buffers;
    std::size_t total = 0;  // bytes in buffers
  };

  boost::asio::ip::tcp::socket socket_;
  /// Only while a deadline runs (a slow handshake answer, close(), the close handshake).
  std::unique_ptr<boost::asio::steady_timer> timer_;
  std::chrono::milliseconds close_timeout_;
  std::chrono::milliseconds handshake_timeout_;
  websocket_reader reader_;
  std::vector<outgoing_packet> queued_;   // corked, not written yet
  std::size_t queued_bytes_ = 0;          // payload bytes in queued_
  std::unique_ptr<write_batch> writing_;  // the gather write in progress
  std::string control_;                   // the pong waiting for the next write (one at most)
  std::size_t frames_at_last_turn_ = 0;   // queued_.size() when the flush last looked
  std::uint32_t cork_since_us_ = 0;       // the first flush pass's pass_us (steady clock, wraps)
  std::uint8_t cork_turns_ = 0;
  std::array<char, 4> close_frame_{};  // the close frame, written last
  std::uint8_t close_frame_size_ = 0;
  bool flush_posted_ = false;
  bool open_ = false;          // handshake done, no close frame received nor fatal error
  bool close_queued_ = false;  // our close frame is queued: no more data frames
  bool close_in_flight_ = false;
  bool close_written_ = false;
  bool close_received_ = false;  // the peer's close frame arrived
  bool failed_ = false;          // we failed the connection: drain until the peer's FIN
};

}  // namespace chatgate::engineio
