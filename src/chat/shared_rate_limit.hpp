#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace chatgate::chat {

/// RATE_LIMIT counted over every instance (contract §7: with Redis up the limit is global). The
/// same GCRA as rate_limiter, kept where every instance sees it; rate_limiter stays the
/// per-instance count that applies on its own whenever the shared one cannot answer, so a send
/// is never refused because the shared store is away.
///
/// Threads: callable from any thread; `done` runs once, on a thread of the implementation's
/// choosing (async_chat posts it back to the io thread that asked), never inside the call.
class shared_rate_limit {
 public:
  /// What the shared count said of one send.
  struct verdict {
    enum class kind {
      allowed,      // counted; give it back with refund() if the send is not stored
      refused,      // over the limit; retry_after_ms > 0
      unavailable,  // no answer (Redis away): the per-instance limit decides alone
    };
    kind outcome = kind::unavailable;
    std::int64_t retry_after_ms = 0;
  };

  virtual ~shared_rate_limit() = default;
  /// Counts one send of `user_id` unless that passes the limit.
  virtual void consume(std::string user_id, std::function<void(verdict)> done) = 0;
  /// Gives back one send that consume() allowed (the send was then not stored).
  virtual void refund(std::string user_id) = 0;
};

}  // namespace chatgate::chat
