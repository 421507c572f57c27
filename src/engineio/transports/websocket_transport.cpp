#include "engineio/transports/websocket_transport.hpp"

#include <sys/uio.h>

#include <cerrno>
#include <chrono>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "engineio/transports/send_batch.hpp"
#include "engineio/transports/websocket_handshake.hpp"

namespace chatgate::engineio {

namespace beast = boost::beast;
namespace net = boost::asio;
using boost::system::error_code;

namespace {

/// The read buffer of this io thread: every websocket of the thread reads into it in turn (a
/// read handler parses what it read before it returns, so the buffer is never shared).
std::span<char> io_thread_buffer() {
  thread_local std::vector<char> buffer(websocket_transport::read_buffer_size);
  return buffer;
}

bool would_block(const error_code& ec) {
  return ec == net::error::would_block || ec == net::error::try_again;
}

}  // namespace

websocket_transport::websocket_transport(beast::tcp_stream&& stream, const settings& config)
    : socket_(stream.release_socket()),
      close_timeout_(config.close_timeout),
      handshake_timeout_(config.handshake_timeout),
      reader_(config.max_payload) {
  // Reads and the first attempt of every write are synchronous: they must get EAGAIN, never
  // block the io thread. (Asio's asynchronous operations work on a non-blocking socket too.)
  error_code ignored;
  socket_.non_blocking(true, ignored);
}

void websocket_transport::accept(const http::request& req, std::function<void(bool)> done) {
  auto answer = answer_upgrade(req);
  auto out = std::make_shared<std::string>(std::move(answer.response));
  auto finish = [self = shared_from_this(), accepted = answer.accepted,
                 done = std::move(done)](error_code ec) {
    self->timer_.reset();
    if (ec || !accepted) {
      self->teardown();
      return done(false);
    }
    self->open_ = true;
    done(true);
  };
  // The response is small: the socket buffer of a new connection takes it at once.
  error_code ec;
  std::size_t written = 0;
  do {
    written = socket_.write_some(net::buffer(*out), ec);
  } while (ec == net::error::interrupted);
  if (would_block(ec)) {
    ec = {};
    written = 0;
  }
  if (ec || written == out->size()) return finish(ec);
  arm_timer(handshake_timeout_);
  net::async_write(
      socket_, net::buffer(*out) + written,
      [out, finish = std::move(finish)](error_code e, std::size_t) mutable { finish(e); });
}

void websocket_transport::start_reading() {
  wait_readable();
}

void websocket_transport::wait_readable() {
  socket_.async_wait(net::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](error_code ec) { self->on_readable(ec); });
}

void websocket_transport::on_readable(error_code ec) {
  if (!socket_.is_open()) return;  // torn down meanwhile
  if (ec) return on_read_error(ec);
  const auto buffer = io_thread_buffer();
  for (int reads = 0; reads < max_reads_per_turn;) {
    const std::size_t n = socket_.read_some(net::buffer(buffer.data(), buffer.size()), ec);
    if (ec == net::error::interrupted) continue;
    // The reactor is edge-triggered: wait only once the socket was found empty (a short read
    // empties it too: bytes arriving later raise a new edge).
    if (would_block(ec)) return wait_readable();
    if (ec) return on_read_error(ec);
    if (!on_bytes(buffer.first(n))) return;
    if (n < buffer.size()) return wait_readable();
    ++reads;
  }
  // A fast sender: let the other handlers of this thread run before reading on.
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->on_readable({}); });
}

bool websocket_transport::on_bytes(std::span<char> input) {
  for (;;) {
    const auto ev = reader_.next(input);
    switch (ev.what) {
      case websocket_reader::kind::need_more:
        return true;
      case websocket_reader::kind::text:
      case websocket_reader::kind::binary:
        on_message(ev.what, ev.data);
        break;
      case websocket_reader::kind::ping:
        if (close_queued_) break;
        // Bounded: only the latest ping not yet answered gets its pong (RFC 6455 §5.5.3 allows
        // it), so a peer that pings and does not read cannot grow this.
        control_ = websocket_frame::control(websocket_frame::opcode_pong, ev.data.size()).head();
        control_ += ev.data;
        if (!writing_ && !flush_posted_) post_flush();
        break;
      case websocket_reader::kind::pong:
        break;
      case websocket_reader::kind::close:
        on_peer_close(ev.code);
        break;
      case websocket_reader::kind::error:
        on_protocol_error(ev.code);
        break;
    }
    if (!socket_.is_open()) return false;
  }
}

void websocket_transport::on_message(websocket_reader::kind what, std::string_view data) {
  if (!open_ || close_queued_ || !events_) return;  // closing: the peer's data means nothing
  if (what == websocket_reader::kind::binary) {
    events_->on_transport_packet(*this, decode_binary_frame(data));
  } else if (auto decoded = decode_packet(data)) {
    events_->on_transport_packet(*this, std::move(*decoded));
  } else {
    events_->on_transport_error(*this, "parse error");
  }
}

void websocket_transport::on_peer_close(std::uint16_t code) {
  const bool was_open = open_;
  open_ = false;
  close_received_ = true;
  if (!close_queued_) {
    // Answered at once, its code echoed; frames not yet written are dropped (as Beast did).
    queued_.clear();
    queued_bytes_ = 0;
    queue_close(code == close_code::no_status ? 0 : code);
  } else if (close_written_) {
    teardown();  // the answer to our close frame
  }
  if (was_open && events_) events_->on_transport_close(*this);
}

void websocket_transport::on_protocol_error(std::uint16_t code) {
  const bool was_open = open_;
  open_ = false;
  failed_ = true;
  if (!close_queued_) {
    queued_.clear();
    queued_bytes_ = 0;
    queue_close(code);
  } else if (close_written_) {
    error_code ignored;
    socket_.shutdown(net::socket_base::shutdown_send, ignored);
  }
  // A message over maxPayload, a protocol violation: "transport error", as Node's ws reports it.
  if (was_open && events_) events_->on_transport_error(*this, "transport error");
}

void websocket_transport::on_read_error(error_code ec) {
  const bool was_open = open_;
  teardown();
  if (!was_open || !events_) return;
  // A vanished peer is "transport close"; anything else "transport error".
  const bool clean = ec == net::error::eof || ec == net::error::connection_reset ||
                     ec == net::error::operation_aborted;
  if (clean) return events_->on_transport_close(*this);
  events_->on_transport_error(*this, "transport error");
}

void websocket_transport::queue_close(std::uint16_t code) {
  close_queued_ = true;
  close_frame_[0] = static_cast<char>(0x80 | websocket_frame::opcode_close);
  close_frame_[1] = static_cast<char>(code == 0 ? 0 : 2);
  close_frame_[2] = static_cast<char>(code >> 8);
  close_frame_[3] = static_cast<char>(code & 0xFF);
  close_frame_size_ = code == 0 ? 2 : 4;
  if (!writing_) write_queued();  // no cork: what is queued goes now, the close frame last
}

void websocket_transport::send(std::vector<outgoing_packet> packets) {
  if (!open_ || close_queued_) return;
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
namespace {

/// The steady clock in microseconds, cut to 32 bits: only differences of a few ms are taken.
std::uint32_t now_us() {
  return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

struct websocket_transport::flush_list : std::enable_shared_from_this<flush_list> {
  net::execution_context* context = nullptr;
  std::vector<std::shared_ptr<websocket_transport>> waiting;
  std::vector<std::shared_ptr<websocket_transport>> running;
  bool posted = false;

  /// The posted pass. Destroyed without running (its io_context stopped and was destroyed):
  /// the list forgets its transports and may post again. It shares the list: an io_context
  /// destroyed on another thread after its io thread ended destroys the pass there, after the
  /// thread's own reference to the list is gone.
  struct pass {
    std::shared_ptr<flush_list> list;
    explicit pass(std::shared_ptr<flush_list> l) : list(std::move(l)) {}
    pass(pass&& o) noexcept = default;
    pass& operator=(pass&&) = delete;
    ~pass() {
      if (!list) return;
      list->posted = false;
      list->waiting.clear();
    }
    void operator()() { std::exchange(list, nullptr)->run(); }
  };

  static flush_list& of(const net::any_io_executor& ex) {
    thread_local std::vector<std::shared_ptr<flush_list>> lists;
    auto* context = &net::query(ex, net::execution::context);
    for (const auto& l : lists)
      if (l->context == context) return *l;
    std::erase_if(lists, [](const auto& l) {  // lists of io_contexts gone since
      return !l->posted && l->waiting.empty() && l->running.empty();
    });
    lists.push_back(std::make_shared<flush_list>());
    lists.back()->context = context;
    return *lists.back();
  }

  void add(std::shared_ptr<websocket_transport> t) {
    auto ex = t->socket_.get_executor();
    waiting.push_back(std::move(t));
    if (posted) return;
    posted = true;
    net::post(ex, pass(shared_from_this()));
  }

  void run() {
    posted = false;
    running.swap(waiting);
    const auto now = now_us();  // one clock read per pass, for every corked transport
    // Nothing runs between a transport's prepare_write and its write (no handler, no callback),
    // so every socket in `ready` is still open when the batch goes out.
    ready.clear();
    for (const auto& t : running) t->on_flush(now, ready);  // may add transports for the next pass
    if (!ready.empty()) write_ready();
    running.clear();  // `ready` points into it: cleared after the writes
  }

  /// One send_batch for every transport that writes in this pass, then each one's result.
  void write_ready() {
    std::size_t n_iov = 0;
    for (const auto* t : ready) n_iov += t->writing_->buffers.size();
    iovecs.clear();
    iovecs.reserve(n_iov);  // not reallocated below: the requests point into it
    requests.clear();
    for (auto* t : ready) requests.push_back(t->write_request(iovecs));
    send_batch::run(requests);
    for (std::size_t i = 0; i < ready.size(); ++i) ready[i]->finish_write(requests[i].result);
  }

  std::vector<websocket_transport*> ready;  // prepared in this pass, written together
  std::vector<iovec> iovecs;
  std::vector<send_batch::request> requests;
};

void websocket_transport::post_flush() {
  flush_posted_ = true;
  cork_turns_ = 0;
  frames_at_last_turn_ = queued_.size();
  flush_list::of(socket_.get_executor()).add(shared_from_this());
}

void websocket_transport::on_flush(std::uint32_t pass_us,
                                   std::vector<websocket_transport*>& ready) {
  flush_posted_ = false;
  if (!socket_.is_open() || writing_) return;
  if (queued_.empty() && control_.empty() && !close_pending()) return;
  // Wait one more pass of the loop while frames keep coming: always after the first pass (the
  // sender's next message is often already read and its handler queued behind this one), then
  // as long as the last pass added frames.
  const bool grew = queued_.size() > frames_at_last_turn_;
  if (!close_queued_ && queued_bytes_ < cork_bytes && cork_turns_ < max_cork_turns &&
      (cork_turns_ == 0 || (grew && pass_us - cork_since_us_ < max_cork_us))) {
    if (cork_turns_ == 0) cork_since_us_ = pass_us;
    ++cork_turns_;
    frames_at_last_turn_ = queued_.size();
    flush_posted_ = true;
    flush_list::of(socket_.get_executor()).add(shared_from_this());
    return;
  }
  prepare_write();
  ready.push_back(this);
}

void websocket_transport::write_queued() {
  prepare_write();
  // Written right here, the way a flush pass writes its batch (a batch of one: one sendmsg).
  std::vector<iovec> iov;
  iov.reserve(writing_->buffers.size());
  auto request = write_request(iov);
  send_batch::run({&request, 1});
  finish_write(request.result);
}

send_batch::request websocket_transport::write_request(std::vector<iovec>& iov) {
  const std::size_t first = iov.size();
  for (const auto& b : writing_->buffers)
    iov.push_back(iovec{const_cast<void*>(b.data()), b.size()});
  return send_batch::request{socket_.native_handle(),
                             std::span<const iovec>(iov.data() + first, iov.size() - first), 0};
}

void websocket_transport::prepare_write() {
  writing_ = std::make_unique<write_batch>();
  auto& batch = *writing_;
  batch.packets.swap(queued_);
  queued_bytes_ = 0;
  batch.control.swap(control_);
  batch.heads.reserve(batch.packets.size());  // never reallocated below: buffers point into it
  batch.buffers.reserve(batch.packets.size() * 2 + 2);
  // Pongs first: they are whole frames, so they sit between frames like any other.
  if (!batch.control.empty()) batch.buffers.push_back(net::buffer(batch.control));
  for (const auto& p : batch.packets) {
    const auto payload = p.view();
    batch.heads.push_back(p.binary
                              ? websocket_frame::binary(payload.size())
                              : websocket_frame::text(static_cast<char>(p.type), payload.size()));
    batch.buffers.push_back(net::buffer(batch.heads.back().head()));
    if (!payload.empty()) batch.buffers.push_back(net::buffer(payload));
  }
  if (close_pending()) {  // last: nothing follows a close frame
    close_in_flight_ = true;
    batch.buffers.push_back(net::buffer(close_frame_.data(), close_frame_size_));
  }
  batch.total = net::buffer_size(batch.buffers);
}

void websocket_transport::finish_write(ssize_t result) {
  auto& batch = *writing_;
  // A full socket buffer (-EAGAIN) wrote nothing and is no error.
  const error_code ec =
      result < 0 && result != -EAGAIN && result != -EWOULDBLOCK
          ? error_code(static_cast<int>(-result), boost::system::system_category())
          : error_code();
  std::size_t written = result > 0 ? static_cast<std::size_t>(result) : 0;
  // Only what the kernel did not take is written asynchronously.
  if (ec || written == batch.total) return on_written(ec);
  // Partly written: drop the buffers (and parts of a buffer) already sent, write the rest.
  auto first = batch.buffers.begin();
  while (written >= first->size()) written -= (first++)->size();
  *first += written;
  batch.buffers.erase(batch.buffers.begin(), first);
  net::async_write(socket_, batch.buffers,
                   [self = shared_from_this()](error_code e, std::size_t) { self->on_written(e); });
}

void websocket_transport::on_written(error_code ec) {
  // Released, not kept: an idle socket holds no write buffers (a malloc per write is far
  // cheaper than the system call it goes with).
  writing_.reset();
  if (ec) {
    const bool was_open = open_;
    teardown();
    if (was_open && events_) events_->on_transport_error(*this, "transport error");
    return;
  }
  if (close_in_flight_) {
    close_in_flight_ = false;
    return on_close_written();
  }
  if (!socket_.is_open()) return;
  // Queued while writing: no need to cork again.
  if (!queued_.empty() || !control_.empty() || close_pending()) return write_queued();
  if (open_ && events_) events_->on_transport_ready(*this);
}

void websocket_transport::on_close_written() {
  close_written_ = true;
  if (!socket_.is_open()) return;
  if (close_received_ && !failed_) return teardown();  // the close handshake is complete
  // Waiting for the peer's close frame, or (we failed the connection) for its FIN; reading goes
  // on meanwhile and tears down when either comes.
  if (failed_) {
    error_code ignored;
    socket_.shutdown(net::socket_base::shutdown_send, ignored);
  }
  arm_timer(handshake_timeout_);
}

void websocket_transport::close() {
  if (close_queued_ || !socket_.is_open()) return;
  // The queued frames (and the close frame behind them) must be written within close_timeout;
  // a peer that does not read is dropped then. Armed first: once the close frame is written
  // (perhaps right away) the deadline becomes the close handshake's.
  arm_timer(close_timeout_);
  queue_close(close_code::normal);
}

void websocket_transport::abort() {
  close_queued_ = true;
  teardown();
}

void websocket_transport::arm_timer(std::chrono::milliseconds after) {
  if (!timer_) timer_ = std::make_unique<net::steady_timer>(socket_.get_executor());
  timer_->expires_after(after);  // cancels the wait of an earlier deadline
  timer_->async_wait([weak = weak_from_this()](error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->teardown();
  });
}

void websocket_transport::teardown() {
  open_ = false;
  timer_.reset();  // cancels its wait
  queued_.clear();
  queued_bytes_ = 0;
  control_.clear();
  if (!socket_.is_open()) return;
  // Cancels the read and a write stuck on a full socket buffer; their handlers release `this`.
  error_code ignored;
  socket_.shutdown(net::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace chatgate::engineio
