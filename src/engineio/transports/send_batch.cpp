#include "engineio/transports/send_batch.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <vector>

#ifdef CHATGATE_HAVE_IO_URING
#include <liburing.h>
#endif

namespace chatgate::engineio {

namespace {

std::atomic<bool> enabled_flag{true};
thread_local std::uint64_t submissions_ = 0;
thread_local std::uint64_t writes_ = 0;

constexpr int send_flags = MSG_NOSIGNAL | MSG_DONTWAIT;

std::size_t iov_count(const send_batch::request& r) {
  return std::min<std::size_t>(r.iov.size(), IOV_MAX);
}

msghdr message_of(const send_batch::request& r) {
  msghdr m{};
  m.msg_iov = const_cast<iovec*>(r.iov.data());  // sendmsg does not write through it
  m.msg_iovlen = iov_count(r);
  return m;
}

void send_each(std::span<send_batch::request> requests) {
  for (auto& r : requests) {
    const msghdr m = message_of(r);
    ssize_t n = 0;
    do {
      n = ::sendmsg(r.fd, &m, send_flags);
    } while (n < 0 && errno == EINTR);
    r.result = n < 0 ? -errno : n;
    ++submissions_;
    ++writes_;
  }
}

#ifdef CHATGATE_HAVE_IO_URING
/// This thread's ring; its submissions run inline in io_uring_enter (no SQPOLL, no worker
/// threads: MSG_DONTWAIT makes a full socket buffer an -EAGAIN completion, not a wait).
class ring {
 public:
  static constexpr unsigned entries = 256;

  /// Null when io_uring cannot be set up here (then the caller sends one by one).
  static ring* of_this_thread() {
    thread_local std::unique_ptr<ring> r = make();
    return r && !r->broken_ ? r.get() : nullptr;
  }

  ring() = default;
  ring(const ring&) = delete;
  ring& operator=(const ring&) = delete;
  ~ring() {
    if (!broken_) io_uring_queue_exit(&ring_);
  }

  /// Writes up to `entries` requests, normally in one io_uring_enter. Those the kernel did not
  /// take (an io_uring_enter error, never seen for sends) go one sendmsg each.
  void run(std::span<send_batch::request> requests, msghdr* messages) {
    for (std::size_t i = 0; i < requests.size(); ++i) {
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);  // never null: drained after every batch
      messages[i] = message_of(requests[i]);
      io_uring_prep_sendmsg(sqe, requests[i].fd, &messages[i], send_flags);
      io_uring_sqe_set_data64(sqe, i);
    }
    const auto n = static_cast<unsigned>(requests.size());
    unsigned submitted = 0;
    for (int tries = 0; submitted < n && tries < 4; ++tries) {
      // The sends run inline in the submission (MSG_DONTWAIT: none waits), so their
      // completions are there when it returns.
      const int s = io_uring_submit_and_wait(&ring_, n - submitted);
      if (s > 0) submitted += static_cast<unsigned>(s);
      if (s < 0 && s != -EINTR && s != -EAGAIN && s != -EBUSY) break;
    }
    ++submissions_;
    for (unsigned seen = 0; seen < submitted; ++seen) {
      io_uring_cqe* cqe = nullptr;
      int w = 0;
      do {
        w = io_uring_wait_cqe(&ring_, &cqe);  // no system call: the completion is there
      } while (w == -EINTR);
      if (w < 0) std::abort();  // a submitted send always completes
      const auto i = static_cast<std::size_t>(io_uring_cqe_get_data64(cqe));
      if (i < requests.size()) requests[i].result = cqe->res;
      io_uring_cqe_seen(&ring_, cqe);
    }
    writes_ += submitted;
    if (submitted < n) {
      // Drop the entries the kernel did not take, and write those requests directly.
      io_uring_queue_exit(&ring_);
      broken_ = io_uring_queue_init(entries, &ring_, 0) < 0;  // then this thread stops using it
      send_each(requests.subspan(submitted));
    }
  }

 private:
  static std::unique_ptr<ring> make() {
    auto r = std::make_unique<ring>();
    if (io_uring_queue_init(entries, &r->ring_, 0) < 0) {
      r->broken_ = true;  // nothing to tear down
      return nullptr;
    }
    return r;
  }

  io_uring ring_{};
  bool broken_ = false;
};
#endif

}  // namespace

void send_batch::run(std::span<request> requests) {
#ifdef CHATGATE_HAVE_IO_URING
  if (requests.size() > 1 && enabled()) {
    if (ring* r = ring::of_this_thread()) {
      thread_local std::vector<msghdr> messages(ring::entries);
      while (!requests.empty()) {
        const auto chunk = requests.first(std::min<std::size_t>(requests.size(), ring::entries));
        if (chunk.size() == 1)
          send_each(chunk);
        else
          r->run(chunk, messages.data());
        requests = requests.subspan(chunk.size());
      }
      return;
    }
  }
#endif
  send_each(requests);
}

void send_batch::set_enabled(bool on) {
  enabled_flag.store(on, std::memory_order_relaxed);
}

bool send_batch::enabled() {
  return enabled_flag.load(std::memory_order_relaxed);
}

bool send_batch::uses_io_uring() {
#ifdef CHATGATE_HAVE_IO_URING
  return enabled() && ring::of_this_thread() != nullptr;
#else
  return false;
#endif
}

std::uint64_t send_batch::submissions() {
  return submissions_;
}

std::uint64_t send_batch::writes() {
  return writes_;
}

}  // namespace chatgate::engineio
