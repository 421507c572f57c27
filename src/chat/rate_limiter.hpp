#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/result.hpp"

namespace chatgate::chat {

/// RATE_LIMIT: at most `limit` messages per `window` per user (contract §1, default 30/10s).
struct rate_limit_settings {
  int limit = 30;                            // messages per window; 0 disables the limit
  std::chrono::milliseconds window{10'000};  // window length
};

/// Sliding-window log per user, shared by REST and sockets: a send is allowed when fewer than
/// `limit` sends were accepted in the last `window`; otherwise the caller learns when the oldest
/// of them leaves the window. Exact (no burst of 2x at a fixed-window edge) at the cost of
/// `limit` timestamps per active user. Called from the store workers: one mutex guards the log.
class rate_limiter {
 public:
  rate_limiter(const core::clock& clock, rate_limit_settings settings = {});

  /// Counts one send for `user_id`, or fails with RATE_LIMITED and retry_after_ms (> 0) without
  /// counting it.
  core::result<void> consume(std::string_view user_id);
  /// Gives back the last send counted for `user_id` (the store refused it after consume()).
  void refund(std::string_view user_id);
  /// Users currently tracked (for tests and metrics).
  std::size_t tracked_users() const {
    std::lock_guard lock(mutex_);
    return log_.size();
  }
  const rate_limit_settings& settings() const { return settings_; }

 private:
  void prune_idle(core::sys_time_ms now);

  const core::clock& clock_;
  rate_limit_settings settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::deque<core::sys_time_ms>> log_;
  std::uint64_t calls_since_prune_ = 0;
};

}  // namespace chatgate::chat
