#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "cluster/redis/redis_adapter.hpp"
#include "cluster/redis/redis_connection.hpp"
#include "cluster/redis/redis_connection_map.hpp"
#include "cluster/redis/redis_rate_limit.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace chatgate::cluster::redis {

/// Settings of an instance's membership in a Redis cluster.
struct redis_cluster_settings {
  /// MAX_CONNECTIONS_PER_USER (0: none), enforced over all instances.
  int max_connections_per_user = 10;
  /// Channel prefix shared with Node peers (@socket.io/redis-adapter's `key`).
  std::string key = "socket.io";
  /// RATE_LIMIT, counted over every instance (redis_rate_limit).
  redis_rate_limit_settings rate_limit;
  /// What REMOTE_FETCH answers put in each socket's `data`.
  std::function<boost::json::value(const socketio::socket&)> socket_data;
};

/// What REDIS_URL turns on, owned in one place: a command connection (connection map, PUBLISH),
/// a subscriber connection (adapter), the connection map, and the factory of the namespaces'
/// adapters. The instance id (ws:socket:{id}.instance) and the adapters' uid are random per run.
/// Threads: all on `ex` (io thread 0); with several io threads the others reach the map through
/// cluster::posted_connection_map, the adapter through cluster::shard_adapter (relays to thread
/// 0), and the rate limit from any thread (it posts to `ex` itself).
class redis_cluster {
 public:
  redis_cluster(boost::asio::any_io_executor ex, const redis_endpoint& ep, const core::clock& clock,
                core::metrics& metrics, redis_cluster_settings settings);
  ~redis_cluster();

  void start();

  /// The connection map (give it to the gateway).
  connection_map& connections() { return *map_; }
  /// This instance's sockets.
  const local_connection_map& local() const { return map_->local(); }
  /// Makes each namespace's redis_adapter (give it to socketio::server::set_adapter).
  socketio::adapter_factory adapter_factory();
  /// Several io threads: makes thread 0's link of a namespace (a redis_adapter that acts on
  /// `process`, every thread's sockets), for cluster::shard_adapter::factory.
  std::function<std::unique_ptr<instance_link>(socketio::namespace_&, process_sockets&)>
  link_factory();
  /// Both connections are up (the /ready check `redis`).
  bool ready() const { return pub_->connected() && sub_->connected(); }
  /// Users a sweep or refill found offline (announce user:offline).
  void on_offline(redis_connection_map::offline_handler fn) { map_->on_offline(std::move(fn)); }
  const std::string& instance() const { return map_->instance(); }
  /// RATE_LIMIT over every instance (give it to chat::async_chat::set_shared_limit).
  chat::shared_rate_limit& rate_limit() { return *rate_limit_; }

 private:
  core::metrics& metrics_;
  redis_cluster_settings settings_;
  std::string uid_;
  std::shared_ptr<redis_connection> pub_, sub_;
  std::unique_ptr<redis_connection_map> map_;
  std::unique_ptr<redis_rate_limit> rate_limit_;
};

}  // namespace chatgate::cluster::redis
