#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "http/handler.hpp"
#include "http/listener_settings.hpp"

namespace chatgate::http {

struct session_registry;

/// One HTTP/1.1 connection: reads a header, asks the handler for the body limit, reads the body,
/// hands the request over and reads the next one only after the responder has been called.
/// WebSocket upgrades leave this class with the stream. Single io thread, no strand.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::asio::ip::tcp::socket&& socket, handler& target,
               const listener_settings& settings, std::shared_ptr<session_registry> registry,
               std::uint64_t id);
  ~http_session();

  void run();
  /// Graceful stop: close now if idle, else after the pending response has been written.
  void stop();

 private:
  void do_read();
  void wait_idle();
  void read_header();
  void on_header(boost::beast::error_code ec);
  void on_body(boost::beast::error_code ec);
  void dispatch(request&& req);
  void watch_peer();
  void send(response&& res, bool close_after);
  void on_write(boost::beast::error_code ec, bool close_after);
  void linger_close();
  void do_drain();
  void close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  handler& handler_;
  listener_settings settings_;
  std::shared_ptr<session_registry> registry_;
  std::uint64_t id_;
  connection_info info_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<response> writing_;              // kept alive for the async write
  std::shared_ptr<std::array<char, 4096>> drain_;  // discards input while lingering
  std::uint64_t request_seq_ = 0;                  // which request a responder answers
  bool awaiting_response_ = false;
  bool keep_alive_ = false;
  bool head_ = false;  // the request being answered is HEAD: send the header only
  bool reading_ = false;
  bool stopping_ = false;
};

}  // namespace chatgate::http
