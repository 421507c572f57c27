#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
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

/// GCRA (generic cell rate algorithm) per user, shared by REST and sockets: a user may send a
/// burst of `limit` messages, then one every `window / limit`; a refused send learns when the
/// next one will pass. One theoretical-arrival time per active user (O(1) memory), forgotten
/// once it lies in the past. Thread-safe: users are spread over `shard_count` shards by hash,
/// each behind its own mutex (striped locking), so store worker threads may call it at once.
class rate_limiter {
 public:
  rate_limiter(const core::clock& clock, rate_limit_settings settings = {});

  /// Counts one send for `user_id`, or fails with RATE_LIMITED and retry_after_ms (> 0) without
  /// counting it.
  core::result<void> consume(std::string_view user_id);
  /// Gives back one send counted by consume() (a send the store then refused).
  void refund(std::string_view user_id);
  /// Users currently tracked (for tests and metrics).
  std::size_t tracked_users() const;
  const rate_limit_settings& settings() const { return settings_; }

 private:
  static constexpr std::size_t shard_count = 16;
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // Times are in "ticks" of 1/limit ms, so that window/limit is exact: one send costs `window`
  // ticks and the burst fits `limit * window` ticks ahead of now.
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::int64_t, string_hash, std::equal_to<>> tat;  // guarded
  };

  shard& shard_for(std::string_view user_id);
  std::int64_t now_ticks() const;
  void prune_idle(std::int64_t now);

  const core::clock& clock_;
  rate_limit_settings settings_;
  std::array<shard, shard_count> shards_;
  std::atomic<std::uint64_t> calls_{0};  // consume() calls, for the periodic sweep
};

}  // namespace chatgate::chat
