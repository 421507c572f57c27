#include "engineio/transports/websocket_transport.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/error.hpp>

namespace chatgate::engineio {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;

websocket_transport::websocket_transport(beast::tcp_stream&& stream, const settings& config)
    : ws_(stream.release_socket()),
      close_timer_(ws_.get_executor()),
      close_timeout_(config.close_timeout) {
  ws_.read_message_max(config.max_payload);
  // Engine.IO heartbeats detect dead peers; Beast only bounds the handshakes.
  websocket::stream_base::timeout timeouts{config.handshake_timeout, websocket::stream_base::none(),
                                           false};
  ws_.set_option(timeouts);
  ws_.set_option(websocket::permessage_deflate{});  // off: our own frames carry no RSV1
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
  read_buffer_.shrink_to_fit();  // an idle socket holds no read buffer
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
  for (auto& p : packets) {
    const auto head = p.binary ? websocket_frame::binary(p.view().size())
                               : websocket_frame::text(static_cast<char>(p.type), p.view().size());
    queued_bytes_ += head.head().size() + p.view().size();
    queued_.push_back(queued_frame{head, std::move(p.data)});
  }
  if (!writing_ && !flush_posted_) post_flush();
}

void websocket_transport::post_flush() {
  flush_posted_ = true;
  cork_turns_ = 0;
  frames_at_last_turn_ = queued_.size();
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->on_flush(); });
}

void websocket_transport::on_flush() {
  flush_posted_ = false;
  if (!open_ || writing_ || queued_.empty()) return;
  // Wait one more pass of the loop while frames keep coming: always after the first pass (the
  // sender's next message is often already read and its handler queued behind this one), then
  // as long as the last pass added frames.
  const bool grew = queued_.size() > frames_at_last_turn_;
  if (!close_requested_ && queued_bytes_ < cork_bytes && cork_turns_ < max_cork_turns &&
      (cork_turns_ == 0 || grew)) {
    ++cork_turns_;
    frames_at_last_turn_ = queued_.size();
    flush_posted_ = true;
    net::post(ws_.get_executor(), [self = shared_from_this()] { self->on_flush(); });
    return;
  }
  write_queued();
}

void websocket_transport::write_queued() {
  in_flight_.swap(queued_);
  queued_bytes_ = 0;
  buffers_.clear();
  buffers_.reserve(in_flight_.size() * 2);
  for (const auto& f : in_flight_) {
    buffers_.push_back(net::buffer(f.head.head()));
    if (f.data && !f.data->empty()) buffers_.push_back(net::buffer(*f.data));
  }
  writing_ = true;
  net::async_write(
      ws_.next_layer(), buffers_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
}

void websocket_transport::on_written(beast::error_code ec) {
  // Released, not kept: an idle socket holds no write buffers (a malloc per write is far
  // cheaper than the system call it goes with).
  std::vector<queued_frame>().swap(in_flight_);
  std::vector<net::const_buffer>().swap(buffers_);
  writing_ = false;
  if (ec) {
    open_ = false;
    if (events_) events_->on_transport_error(*this, "transport error");
    return;
  }
  if (!open_) return;
  if (!queued_.empty()) return write_queued();  // queued while writing: no need to cork again
  if (close_requested_) {
    close_timer_.cancel();
    return do_close();
  }
  if (events_) events_->on_transport_ready(*this);
}

void websocket_transport::close() {
  if (close_requested_) return;
  close_requested_ = true;
  if (!writing_ && queued_.empty()) return do_close();
  if (!writing_ && !flush_posted_) post_flush();  // on_flush writes at once when closing
  close_timer_.expires_after(close_timeout_);
  close_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && (self->writing_ || !self->queued_.empty())) self->abort();
  });
}

void websocket_transport::abort() {
  close_requested_ = true;
  close_sent_ = true;
  open_ = false;
  close_timer_.cancel();
  queued_.clear();
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
