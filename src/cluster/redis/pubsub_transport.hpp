#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "cluster/redis/redis_reply.hpp"

namespace chatgate::cluster::redis {

/// What the Redis adapter needs of a Redis connection: commands (PUBLISH, PUBSUB NUMSUB) and
/// subscriptions. redis_connection is the real one; unit tests give the adapter a fake that
/// records what is published and plays what other instances publish.
///
/// Threads: every member, and every callback, runs on get_executor().
class pubsub_transport {
 public:
  using reply_handler = std::function<void(redis_reply)>;
  /// (channel, payload) of a published message; the views die when the handler returns.
  using message_handler = std::function<void(std::string_view, std::string_view)>;

  virtual ~pubsub_transport() = default;

  /// Sends one command (binary-safe arguments); `done` gets its reply exactly once, never inside
  /// this call.
  virtual void command(std::vector<std::string> argv, reply_handler done) = 0;
  /// SUBSCRIBE `channel` now (if connected) and after every reconnect.
  virtual void subscribe(std::string channel, message_handler on_message) = 0;
  /// PSUBSCRIBE `pattern` now and after every reconnect; the handler gets the real channel.
  virtual void psubscribe(std::string pattern, message_handler on_message) = 0;
  /// Stops delivering messages of `name` (a pattern when `pattern`) and UNSUBSCRIBEs.
  virtual void unsubscribe(const std::string& name, bool pattern) = 0;
  /// The executor every callback runs on.
  virtual boost::asio::any_io_executor get_executor() const = 0;
};

}  // namespace chatgate::cluster::redis
