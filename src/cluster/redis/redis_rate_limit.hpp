#pragma once
#include <chrono>
#include <memory>
#include <string>

#include "chat/shared_rate_limit.hpp"
#include "cluster/redis/pubsub_transport.hpp"

namespace chatgate::cluster::redis {

/// RATE_LIMIT as the shared count (contract §7).
struct redis_rate_limit_settings {
  int limit = 30;                            // sends per window; 0: no shared count (all allowed)
  std::chrono::milliseconds window{10'000};  // window length
  std::string key_prefix = "ws:ratelimit:";  // + userId: the user's theoretical arrival time
};

/// chat::shared_rate_limit in Redis: the GCRA of chat::rate_limiter run by a Lua script, so that
/// reading and moving a user's theoretical arrival time is one atomic step over every instance,
/// on Redis's clock (TIME), not the instances'. The key expires once its time lies in the past,
/// so idle users cost nothing. Commands go through the instance's command connection (hiredis on
/// the event loop, nothing blocks); a command that fails (Redis away, connection dropped, or
/// PINGs unanswered for 3 s) answers `unavailable`, and the per-instance limiter decides alone.
///
/// Threads: consume()/refund() may be called from any thread (they post to the connection's
/// executor); `done` runs on that executor.
class redis_rate_limit final : public chat::shared_rate_limit {
 public:
  redis_rate_limit(std::shared_ptr<pubsub_transport> conn, redis_rate_limit_settings settings);

  void consume(std::string user_id, std::function<void(verdict)> done) override;
  void refund(std::string user_id) override;

 private:
  std::shared_ptr<pubsub_transport> conn_;
  redis_rate_limit_settings settings_;
};

}  // namespace chatgate::cluster::redis
