#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>

#include <boost/asio/ip/address.hpp>

#include "engineio/handshake_limiter.hpp"

namespace chatgate::engineio {

/// Contract §9's flood limits for new sessions: the per-address handshake limiter
/// (CONNECT_RATE_LIMIT) and the count of sessions not yet authenticated
/// (MAX_UNAUTHENTICATED_SESSIONS). One per process: the io threads' engineio servers share it
/// (IO_THREADS > 1), so a client cannot multiply its budget by the number of threads. The
/// limiter is under a mutex (taken once per handshake); the count is atomic. Between a thread's
/// check and its open another thread may open one too, so the count may pass the limit by at
/// most one session per other thread.
class admission {
 public:
  admission(handshake_limiter_settings limit, std::size_t max_unauthenticated)
      : limiter_(limit), max_unauthenticated_(max_unauthenticated) {}

  /// handshake_limiter::acquire under the lock.
  std::chrono::milliseconds acquire(const boost::asio::ip::address& from,
                                    handshake_limiter::clock::time_point now);
  /// Whether max_unauthenticated is reached (0: no limit).
  bool full() const {
    return max_unauthenticated_ > 0 && unauthenticated_.load() >= max_unauthenticated_;
  }
  void opened() { ++unauthenticated_; }
  void authenticated() { --unauthenticated_; }
  std::size_t unauthenticated() const { return unauthenticated_.load(); }
  /// Addresses the limiter remembers.
  std::size_t tracked() const;

 private:
  mutable std::mutex mutex_;
  handshake_limiter limiter_;  // under mutex_
  std::size_t max_unauthenticated_;
  std::atomic<std::size_t> unauthenticated_{0};
};

}  // namespace chatgate::engineio
