#pragma once
#include <cstddef>
#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace chatgate::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;
using response = boost::beast::http::response<boost::beast::http::string_body>;
using request_header = boost::beast::http::request_header<>;

/// Sends the response to one request. Call exactly once, now or later, on the io thread. The
/// connection reads no further request until it has been called (HTTP/1.1 answers in order).
using responder = std::function<void(response&&)>;

/// Lets a handler that holds a responder (long-polling) learn that the client closed the
/// connection meanwhile. The listener calls on_peer_closed at most once per pending request; the
/// responder may still be called afterwards and then does nothing.
struct connection_monitor {
  std::function<void()> on_peer_closed;
};

struct connection_info {
  boost::asio::ip::tcp::endpoint remote;
  /// Set by http::listener; null when requests come from elsewhere (tests).
  std::shared_ptr<connection_monitor> monitor;
};

/// What a listener hands each request to. Everything runs on the single io thread.
class handler {
 public:
  virtual ~handler() = default;

  /// Largest body accepted for this request; a larger one gets on_body_too_large's response.
  virtual std::size_t body_limit(const request_header& header) const = 0;
  virtual response on_body_too_large(const request_header& header) = 0;

  /// A complete request.
  virtual void on_request(request&& req, const connection_info& info, responder respond) = 0;

  /// A WebSocket upgrade request: the handler takes the stream, with any bytes already read
  /// past the request in `buffer`. Closing or accepting it is the handler's business.
  virtual void on_upgrade(request&& req, boost::beast::tcp_stream&& stream,
                          boost::beast::flat_buffer&& buffer, const connection_info& info) = 0;
};

}  // namespace chatgate::http
