#include "engineio/transports/websocket_transport.hpp"

#include <utility>

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
  // write_queued writes synchronously first: it must get EAGAIN, never block the io thread.
  // (Asio's and Beast's asynchronous operations work on a non-blocking socket as before.)
  beast::error_code ignored;
  ws_.next_layer().non_blocking(true, ignored);
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
  for (const auto& p : packets) queued_bytes_ += p.size();
  // Nothing corked yet (the usual case): the session's vector becomes the queue, no copy.
  if (queued_.empty()) {
    queued_ = std::move(packets);
  } else {
    queued_.insert(queued_.end(), std::make_move_iterator(packets.begin()),
                   std::make_move_iterator(packets.end()));
  }
  if (!writing_ && !flush_posted_) post_flush();
}

/// The transports of one io_context on this thread whose flush waits for the next loop pass:
/// one posted handler per pass runs all of them, rather than one post (a scheduler lock, a
/// handler) per transport per pass. Thread-local: each io thread runs its own io_context and a
/// transport's handlers run on the thread that owns it, so a list is never shared between
/// threads; one list per io_context (a test may run several on one thread).
struct websocket_transport::flush_list {
  net::execution_context* context = nullptr;
  std::vector<std::shared_ptr<websocket_transport>> waiting;
  std::vector<std::shared_ptr<websocket_transport>> running;
  bool posted = false;

  /// The posted pass. Destroyed without running (its io_context stopped and was destroyed):
  /// the list forgets its transports and may post again.
  struct pass {
    flush_list* list;
    explicit pass(flush_list* l) : list(l) {}
    pass(pass&& o) noexcept : list(std::exchange(o.list, nullptr)) {}
    pass& operator=(pass&&) = delete;
    ~pass() {
      if (!list) return;
      list->posted = false;
      list->waiting.clear();
    }
    void operator()() { std::exchange(list, nullptr)->run(); }
  };

  static flush_list& of(const net::any_io_executor& ex) {
    thread_local std::vector<std::unique_ptr<flush_list>> lists;
    auto* context = &net::query(ex, net::execution::context);
    for (const auto& l : lists)
      if (l->context == context) return *l;
    std::erase_if(lists, [](const auto& l) {  // lists of io_contexts gone since
      return !l->posted && l->waiting.empty() && l->running.empty();
    });
    lists.push_back(std::make_unique<flush_list>());
    lists.back()->context = context;
    return *lists.back();
  }

  void add(std::shared_ptr<websocket_transport> t) {
    auto ex = t->ws_.get_executor();
    waiting.push_back(std::move(t));
    if (posted) return;
    posted = true;
    net::post(ex, pass(this));
  }

  void run() {
    posted = false;
    running.swap(waiting);
    for (const auto& t : running) t->on_flush();  // may add transports for the next pass
    running.clear();
  }
};

void websocket_transport::post_flush() {
  flush_posted_ = true;
  cork_turns_ = 0;
  frames_at_last_turn_ = queued_.size();
  flush_list::of(ws_.get_executor()).add(shared_from_this());
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
    flush_list::of(ws_.get_executor()).add(shared_from_this());
    return;
  }
  write_queued();
}

void websocket_transport::write_queued() {
  in_flight_.swap(queued_);
  queued_bytes_ = 0;
  heads_.clear();
  heads_.reserve(in_flight_.size());  // never reallocated below: buffers_ point into it
  buffers_.clear();
  buffers_.reserve(in_flight_.size() * 2);
  std::size_t total = 0;
  for (const auto& p : in_flight_) {
    const auto payload = p.view();
    heads_.push_back(p.binary ? websocket_frame::binary(payload.size())
                              : websocket_frame::text(static_cast<char>(p.type), payload.size()));
    buffers_.push_back(net::buffer(heads_.back().head()));
    total += heads_.back().head().size();
    if (!payload.empty()) {
      buffers_.push_back(net::buffer(payload));
      total += payload.size();
    }
  }
  writing_ = true;
  // First a non-blocking gather write right here: the socket buffer almost always takes it all,
  // and then no asynchronous operation is started (no handler to allocate, no completion to
  // post and run). Only what the kernel did not take is written asynchronously.
  beast::error_code ec;
  std::size_t written = 0;
  for (;;) {
    written = ws_.next_layer().write_some(buffers_, ec);
    if (ec != net::error::interrupted) break;
  }
  if (ec == net::error::would_block || ec == net::error::try_again) {
    ec = {};
    written = 0;
  }
  if (ec || written == total) return on_written(ec);
  // Partly written: drop the buffers (and parts of a buffer) already sent, write the rest.
  auto first = buffers_.begin();
  while (written >= first->size()) written -= (first++)->size();
  *first += written;
  buffers_.erase(buffers_.begin(), first);
  net::async_write(
      ws_.next_layer(), buffers_,
      [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_written(e); });
}

void websocket_transport::on_written(beast::error_code ec) {
  // Released, not kept: an idle socket holds no write buffers (a malloc per write is far
  // cheaper than the system call it goes with).
  std::vector<outgoing_packet>().swap(in_flight_);
  std::vector<websocket_frame>().swap(heads_);
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
