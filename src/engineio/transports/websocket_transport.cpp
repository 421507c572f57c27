#include "engineio/transports/websocket_transport.hpp"

#include <array>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

namespace chatgate::engineio {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

namespace {
// One byte per packet type, so a frame is {type byte, payload} without building a string.
constexpr std::array<char, 7> type_bytes{'0', '1', '2', '3', '4', '5', '6'};
}  // namespace

websocket_transport::websocket_transport(beast::tcp_stream&& stream, const settings& config)
    : ws_(stream.release_socket()),
      close_timer_(ws_.get_executor()),
      close_timeout_(config.close_timeout) {
  ws_.read_message_max(config.max_payload);
  // Engine.IO heartbeats detect dead peers; Beast only bounds the handshakes.
  websocket::stream_base::timeout timeouts{config.handshake_timeout, websocket::stream_base::none(),
                                           false};
  ws_.set_option(timeouts);
  ws_.set_option(websocket::permessage_deflate{});  // off
}

void websocket_transport::accept(const http::request& req, std::function<void(bool)> done) {
  ws_.async_accept(req, [self = shared_from_this(), done = std::move(done)](beast::error_code ec) {
    self->open_ = !ec;
    if (ec) {
      beast::error_code ignored;
      self->ws_.next_layer().close(ignored);
    }
    done(!ec);
  });
}

void websocket_transport::start_reading() {
  do_read();
}

void websocket_transport::do_read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_read(ec);
  });
}

void websocket_transport::on_read(beast::error_code ec) {
  if (ec) {
    open_ = false;
    if (!events_) return;
    // A clean close or a vanished peer is "transport close"; anything else (a frame over
    // maxPayload, a protocol violation) is "transport error", as Node's ws reports it.
    const bool clean = ec == websocket::error::closed || ec == net::error::eof ||
                       ec == net::error::connection_reset || ec == net::error::operation_aborted;
    if (clean) return events_->on_transport_close(*this);
    return events_->on_transport_error(*this, "transport error");
  }
  const std::string data = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  if (events_) {
    if (ws_.got_binary()) {
      events_->on_transport_packet(*this, decode_binary_frame(data));
    } else if (auto decoded = decode_packet(data)) {
      events_->on_transport_packet(*this, std::move(*decoded));
    } else {
      events_->on_transport_error(*this, "parse error");
    }
  }
  if (open_) do_read();
}

void websocket_transport::send(std::vector<outgoing_packet> packets) {
  if (!open_ || close_requested_) return;
  for (auto& p : packets) writes_.push_back(std::move(p));
  if (!writing_) {
    writing_ = true;
    do_write();
  }
}

void websocket_transport::do_write() {
  if (writes_.empty() || !open_) {
    writing_ = false;
    if (close_requested_) {
      close_timer_.cancel();
      return do_close();
    }
    if (open_ && events_) events_->on_transport_ready(*this);
    return;
  }
  const outgoing_packet& p = writes_.front();
  auto on_written = [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->writes_.pop_front();
    if (ec) {
      self->open_ = false;
      self->writing_ = false;
      if (self->events_) self->events_->on_transport_error(*self, "transport error");
      return;
    }
    self->do_write();
  };
  ws_.binary(p.binary);
  if (p.binary) return ws_.async_write(net::buffer(p.view()), std::move(on_written));
  const auto type_index = static_cast<std::size_t>(static_cast<char>(p.type) - '0');
  const std::array<net::const_buffer, 2> frame{net::buffer(&type_bytes[type_index], 1),
                                               net::buffer(p.view())};
  ws_.async_write(frame, std::move(on_written));
}

void websocket_transport::close() {
  if (close_requested_) return;
  close_requested_ = true;
  if (!writing_) return do_close();
  close_timer_.expires_after(close_timeout_);
  close_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && self->writing_) self->abort();
  });
}

void websocket_transport::abort() {
  close_requested_ = true;
  close_sent_ = true;
  open_ = false;
  close_timer_.cancel();
  // Cancels the read and a write stuck on a full socket buffer; their handlers release `this`.
  beast::error_code ignored;
  ws_.next_layer().close(ignored);
}

void websocket_transport::do_close() {
  if (close_sent_ || !open_) return;
  close_sent_ = true;
  ws_.async_close(websocket::close_code::normal,
                  [self = shared_from_this()](beast::error_code) { self->open_ = false; });
}

}  // namespace chatgate::engineio
