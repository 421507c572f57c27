#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "cluster/connection_map.hpp"
#include "cluster/local_connection_map.hpp"
#include "cluster/redis/redis_connection.hpp"
#include "core/clock.hpp"

namespace chatgate::cluster::redis {

/// Settings of the Redis connection map.
struct redis_map_settings {
  /// This instance's id (ws:socket:{id}.instance, ws:instances); unique per running process.
  std::string instance;
  /// MAX_CONNECTIONS_PER_USER, checked inside the register script (0: no limit).
  int max_connections_per_user = 10;
  /// TTL of ws:socket:{socketId} (seed: 24 h).
  std::chrono::seconds socket_ttl{24 * 3600};
  /// Heartbeat (and sweep) period.
  std::chrono::milliseconds heartbeat_interval{5000};
  /// An instance without a heartbeat for this long is dead: its sockets are swept. With the
  /// defaults a killed instance's sockets are gone 15-20 s after its last heartbeat (contract:
  /// within 30 s).
  std::chrono::milliseconds stale_after{15000};
};

/// The connection map over Redis (seed §4.4 keys, contract §7; the scripts and every key are in
/// connection_scripts.hpp). Register/remove are Lua scripts, so the count checked against
/// MAX_CONNECTIONS_PER_USER and the presence sets change atomically.
///
/// This instance's own sockets are mirrored in a local_connection_map. The mirror answers when
/// Redis is away (register/remove never fail and never wait on an outage: presence is then local
/// until Redis returns), and refills Redis: after each reconnect, and whenever the heartbeat finds
/// that Redis forgot this instance (a restart without persistence), every live socket is
/// registered again and sockets registered here that are gone are removed.
///
/// Threads: everything runs on the executor of `conn` (the io thread); no locks.
class redis_connection_map final : public connection_map {
 public:
  /// Users whose last socket was removed by a sweep or a refill (to announce user:offline).
  using offline_handler = std::function<void(const std::vector<std::string>& users)>;

  redis_connection_map(std::shared_ptr<redis_connection> conn, const core::clock& clock,
                       redis_map_settings settings);
  ~redis_connection_map() override;

  /// Starts the heartbeat (call after conn->start()).
  void start();
  void stop();
  void on_offline(offline_handler fn) { on_offline_ = std::move(fn); }

  void register_connection(const std::string& socket_id, const std::string& user_id,
                           callback<std::size_t> done) override;
  void remove_connection(const std::string& socket_id, const std::string& user_id,
                         callback<std::size_t> done) override;
  void user_sockets(const std::string& user_id, callback<socket_ids> done) override;
  void users_sockets(const std::vector<std::string>& user_ids,
                     callback<std::map<std::string, socket_ids>> done) override;
  void is_user_online(const std::string& user_id, callback<bool> done) override;
  void online_users(const std::vector<std::string>& user_ids,
                    callback<std::vector<std::string>> done) override;
  void connection_count(const std::string& user_id, callback<std::size_t> done) override;

  /// This instance's sockets (the mirror).
  const local_connection_map& local() const { return local_; }
  const std::string& instance() const { return settings_.instance; }
  /// Refills done so far (reconnects and forgotten-instance heartbeats).
  std::uint64_t refills() const { return refills_; }

  static std::string connections_key(std::string_view user);
  static std::string socket_key(std::string_view socket_id);
  static constexpr std::string_view online_key = "ws:online";
  static constexpr std::string_view instances_key = "ws:instances";
  std::string instance_key() const;

 private:
  void heartbeat();
  void refill();
  std::vector<std::string> register_args(const std::string& sid, const std::string& user,
                                         int limit) const;

  std::shared_ptr<redis_connection> conn_;
  const core::clock& clock_;
  redis_map_settings settings_;
  local_connection_map local_;
  boost::asio::steady_timer timer_;
  offline_handler on_offline_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool refilling_ = false;
  std::uint64_t refills_ = 0;
};

}  // namespace chatgate::cluster::redis
