#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/value.hpp>

#include "tally.hpp"

namespace chatgate::loadgen {

/// One Socket.IO v5 client over Engine.IO v4 websocket (no polling, no upgrade), spoken directly:
/// open -> "40{token}" -> the gateway's `connected` event; answers pings; counts `message:new`
/// per seq (exactly once) and, when it is a sender, keeps `window` `message:send` unacked.
///
/// The websocket layer is RFC 6455's client side written here on a plain TCP socket, not Beast's
/// stream: one read into a large buffer yields every frame that arrived (the servers coalesce
/// several frames per write), parsed in place. With Beast's stream (one async_read per message,
/// its executor copies and UTF-8 check) the generator took ~4.7 us of CPU per delivery, more
/// than the server it measured, on a machine they share (docs/benchmarks.md, "Load generator").
class client : public std::enable_shared_from_this<client> {
 public:
  using connected_fn = std::function<void(bool ok, const std::string& why)>;

  client(boost::asio::io_context& io, tally& t, std::string token, std::string conversation,
         bool sender, double phase_ms = 0);

  /// Connects to host:port and runs the handshake; `done` once `connected` arrived or it failed.
  void start(const boost::asio::ip::tcp::endpoint& to, const std::string& host, connected_fn done);
  /// Closed loop: sends `window` messages, and one more on every ack until the tally says
  /// stopping.
  void start_sending(int window, const std::string& content);
  /// Open loop: sends `n` messages now, whatever is unacked (the caller paces).
  void send_now(int n, const std::string& content);
  std::uint64_t issued() const { return next_id_; }

  const std::string& conversation() const { return conversation_; }
  bool sender() const { return sender_; }
  /// Open loop: this sender's first message leaves phase_ms after "go", so that the senders take
  /// turns instead of all sending in the same millisecond (a burst that measures the burst).
  double phase_ms() const { return phase_ms_; }
  int in_flight() const { return in_flight_; }
  /// Seqs received while recording: 1 per seq, 2 or more for duplicates.
  const std::vector<std::uint8_t>& seen() const { return seen_; }

 private:
  void read();
  /// The HTTP/1.1 101 answer to the upgrade request, then frames.
  void on_http(std::size_t n);
  /// Parses every complete frame in the read buffer; false after a failure.
  bool on_bytes();
  void on_frame(std::string_view frame);
  void on_socketio(std::string_view packet);
  void on_event(const boost::json::value& v);
  void on_ack(std::uint64_t id, const boost::json::value& v);
  /// `packet`: the event's JSON array, ["message:new",{...}]; reads seq and metadata.benchT.
  void on_message_new(std::string_view packet);
  static constexpr std::string_view message_new_prefix = "[\"message:new\",";
  void send_one();
  /// Queues `payload` as one masked frame of `opcode` (1 text, 10 pong).
  void write(std::string_view payload, std::uint8_t opcode = 1);
  void write_front();
  void fail(const std::string& why);

  boost::asio::ip::tcp::socket socket_;
  tally& tally_;
  std::string token_;
  std::string conversation_;
  bool sender_;
  double phase_ms_;
  connected_fn done_;
  bool connected_ = false;
  std::vector<char> in_;  // read buffer: [in_begin_, in_end_) not yet parsed
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  bool upgraded_ = false;     // past the HTTP answer
  std::string fragments_;     // a fragmented text message so far (servers rarely fragment)
  std::uint32_t mask_state_;  // xorshift state for the frames' masking keys
  std::deque<std::string> out_;
  bool writing_ = false;
  std::vector<std::uint8_t> seen_;
  std::unordered_map<std::uint64_t, double> pending_;  // ack id -> send time (ms)
  std::uint64_t next_id_ = 0;
  int in_flight_ = 0;
  bool closed_loop_ = false;
  std::string content_;
};

}  // namespace chatgate::loadgen
