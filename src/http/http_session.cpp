#include "http/http_session.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "http/listener.hpp"

namespace chatgate::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {
constexpr auto linger_timeout = std::chrono::seconds(2);  // drain time before closing
}  // namespace

http_session::http_session(boost::asio::ip::tcp::socket&& socket, handler& target,
                           const listener_settings& settings,
                           std::shared_ptr<session_registry> registry, std::uint64_t id)
    : stream_(std::move(socket)),
      handler_(target),
      settings_(settings),
      registry_(std::move(registry)),
      id_(id) {
  beast::error_code ec;
  info_.remote = stream_.socket().remote_endpoint(ec);
  info_.monitor = std::make_shared<connection_monitor>();
}

http_session::~http_session() {
  registry_->remove(id_);
}

void http_session::run() {
  do_read();
}

void http_session::stop() {
  stopping_ = true;
  // A session waiting for its next request is idle: closing cancels the read. One that is
  // reading a request or awaiting its response finishes that exchange first.
  if (reading_ && !parser_->got_some()) close();
}

void http_session::do_read() {
  if (stopping_) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(settings_.max_header_bytes));
  // Beast checks Content-Length against its default 1 MB body limit while parsing the header;
  // the handler's limit is applied in on_header instead.
  parser_->body_limit(boost::none);
  reading_ = true;
  // The first request's header is timed from the accept; a later one from its first byte
  // (the wait for that byte is keep-alive idleness).
  if (request_seq_ == 0 || buffer_.size() > 0) return read_header();
  wait_idle();
}

void http_session::wait_idle() {
  stream_.expires_after(settings_.idle_timeout);
  stream_.async_read_some(buffer_.prepare(1024),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->buffer_.commit(n);
                            if (ec) return self->close();
                            self->read_header();
                          });
}

void http_session::read_header() {
  stream_.expires_after(settings_.header_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void http_session::on_header(beast::error_code ec) {
  if (ec == beast::error::timeout) ++registry_->header_timeouts;
  if (ec) return close();
  stream_.expires_after(settings_.idle_timeout);  // for the body
  const auto& header = parser_->get().base();
  const std::size_t limit = handler_.body_limit(header);
  const auto length = parser_->content_length();
  if (length && *length > limit) {
    reading_ = false;
    return send(handler_.on_body_too_large(header), true);
  }
  parser_->body_limit(limit);
  bhttp::async_read(stream_, buffer_, *parser_,
                    [self = shared_from_this()](beast::error_code read_ec, std::size_t) {
                      self->on_body(read_ec);
                    });
}

void http_session::on_body(beast::error_code ec) {
  reading_ = false;
  if (ec == bhttp::error::body_limit) {
    return send(handler_.on_body_too_large(parser_->get().base()), true);
  }
  if (ec) return close();
  request req = parser_->release();
  parser_.reset();
  stream_.expires_never();
  if (beast::websocket::is_upgrade(req)) {
    // The stream leaves this session; the session ends when this handler returns.
    handler_.on_upgrade(std::move(req), std::move(stream_), std::move(buffer_), info_);
    return;
  }
  dispatch(std::move(req));
}

void http_session::dispatch(request&& req) {
  keep_alive_ = req.keep_alive();
  head_ = req.method() == bhttp::verb::head;
  awaiting_response_ = true;
  const std::uint64_t seq = ++request_seq_;
  // The responder keeps the connection alive while the handler holds it (long-polling); a
  // second call, or a call after the connection was closed, is ignored.
  responder respond = [self = shared_from_this(), seq](response&& res) {
    if (seq != self->request_seq_ || !self->awaiting_response_) return;
    self->awaiting_response_ = false;
    self->info_.monitor->on_peer_closed = nullptr;
    if (!self->stream_.socket().is_open()) return;
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);  // ends watch_peer's wait
    self->send(std::move(res), !self->keep_alive_);
  };
  handler_.on_request(std::move(req), info_, std::move(respond));
  if (awaiting_response_) watch_peer();
}

void http_session::watch_peer() {
  // While a response is pending nothing is read; wait for readability to notice a client that
  // hangs up (Node: "poll connection closed prematurely"). Data instead of EOF is a pipelined
  // request: it stays in the socket and is read after the response.
  stream_.socket().async_wait(
      boost::asio::ip::tcp::socket::wait_read,
      [self = shared_from_this(), seq = request_seq_](beast::error_code ec) {
        if (ec || seq != self->request_seq_ || !self->awaiting_response_) return;
        char byte = 0;
        beast::error_code peek_ec;
        const std::size_t n = self->stream_.socket().receive(
            boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, peek_ec);
        if (!peek_ec && n > 0) return;
        self->awaiting_response_ = false;
        auto notify = std::move(self->info_.monitor->on_peer_closed);
        self->info_.monitor->on_peer_closed = nullptr;
        self->close();
        if (notify) notify();
      });
}

void http_session::send(response&& res, bool close_after) {
  close_after = close_after || stopping_;
  res.keep_alive(!close_after);
  res.prepare_payload();
  // HEAD: the header of the GET answer, Content-Length included, and no body (RFC 9110 §9.3.2).
  if (head_) res.body().clear();
  head_ = false;
  writing_ = std::make_shared<response>(std::move(res));
  stream_.expires_after(settings_.write_timeout);
  bhttp::async_write(stream_, *writing_,
                     [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
                       self->on_write(ec, close_after);
                     });
}

void http_session::on_write(beast::error_code ec, bool close_after) {
  writing_.reset();
  if (ec) return close();
  if (close_after) return linger_close();
  do_read();
}

void http_session::linger_close() {
  // Closing a socket with unread input makes the kernel send RST, which can destroy the
  // response still in flight (a 413 sent before the body was read). So: stop sending, drain
  // what the client still sends for a moment, then close.
  beast::error_code ec;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return close();
  stream_.expires_after(linger_timeout);
  drain_ = std::make_shared<std::array<char, 4096>>();
  do_drain();
}

void http_session::do_drain() {
  stream_.async_read_some(boost::asio::buffer(*drain_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->close();
                            self->do_drain();
                          });
}

void http_session::close() {
  beast::error_code ec;
  if (!stream_.socket().is_open()) return;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  stream_.close();
}

}  // namespace chatgate::http
