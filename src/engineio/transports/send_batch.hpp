#pragma once
#include <sys/uio.h>

#include <sys/types.h>
#include <cstddef>
#include <cstdint>
#include <span>

namespace chatgate::engineio {

/// Non-blocking gather writes to several sockets in one system call: the flush pass of an io
/// thread (websocket_transport) hands every socket it writes in that pass to run(), which puts
/// them all in one `io_uring_enter` instead of one `sendmsg` each. Each write has exactly the
/// semantics of `sendmsg(fd, iov, MSG_NOSIGNAL | MSG_DONTWAIT)`: it takes what the socket
/// buffer has room for (all, part, or nothing: -EAGAIN) and never waits. On this VM a system
/// call's entry and exit cost about 1 us and a loopback `sendmsg` 5.2 us of CPU; 50 sends in
/// one submission cost 3.2 us each (docs/benchmarks.md, "One system call per flush pass").
///
/// One ring per thread, made on its first batch (16 KiB of submission queue for 256 entries);
/// where io_uring is missing or refused (an old kernel, a seccomp profile, liburing not built
/// in, or IO_URING=0) run() makes the same writes one `sendmsg` each. Not thread-safe by
/// design: each io thread uses its own.
class send_batch {
 public:
  struct request {
    int fd = -1;
    std::span<const iovec> iov;  // at most IOV_MAX entries are written; the rest is left
    /// Out: bytes written (possibly fewer than asked), or -errno (-EAGAIN: the buffer is full).
    ssize_t result = 0;
  };

  /// Writes each request in order of submission (different sockets: their order does not
  /// matter) and fills in its result. The iovecs must stay valid until run() returns.
  static void run(std::span<request> requests);

  /// Process-wide switch (IO_URING, default on), read before the io threads start.
  static void set_enabled(bool on);
  static bool enabled();
  /// Whether this thread's batches go through io_uring (makes the ring on first call).
  static bool uses_io_uring();

  /// Counters of this thread: system calls made by run(), and writes they carried.
  static std::uint64_t submissions();
  static std::uint64_t writes();
};

}  // namespace chatgate::engineio
