#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace chatgate::cluster {

/// Which sockets each user holds, across every instance that shares the map (seed §4.4).
///
/// Every query answers through a callback so that a networked implementation (the Redis map with
/// the seed's keys `ws:connections:{userId}`, `ws:socket:{socketId}` with a 24 h TTL, `ws:online`)
/// fits the same shape as the in-process one. Rules for callers and implementations:
/// - The callback runs on the io thread, exactly once: before the call returns (in-process map)
///   or later (networked map). Callers must not assume either, e.g. a socket may have
///   disconnected by the time register_connection answers.
/// - Failures are not reported: tracking connections is not on the critical path (seed §4.4), so
///   an implementation logs its errors and answers with what it knows (an empty set, 0, false).
class connection_map {
 public:
  template <class T>
  using callback = std::function<void(T)>;
  using socket_ids = std::vector<std::string>;

  virtual ~connection_map() = default;

  /// Records `socket_id` as held by `user_id`; answers the user's connection count including it.
  virtual void register_connection(const std::string& socket_id, const std::string& user_id,
                                   callback<std::size_t> done) = 0;
  /// Forgets `socket_id`; answers how many connections `user_id` still has (0: now offline).
  virtual void remove_connection(const std::string& socket_id, const std::string& user_id,
                                 callback<std::size_t> done) = 0;
  /// Socket ids of `user_id` (SMEMBERS ws:connections:{userId}).
  virtual void user_sockets(const std::string& user_id, callback<socket_ids> done) = 0;
  /// Socket ids of each of `user_ids`; every asked user has an entry, empty when offline.
  virtual void users_sockets(const std::vector<std::string>& user_ids,
                             callback<std::map<std::string, socket_ids>> done) = 0;
  /// Whether `user_id` has at least one connection.
  virtual void is_user_online(const std::string& user_id, callback<bool> done) = 0;
  /// The subset of `user_ids` that is online, in the order given (duplicates kept once).
  virtual void online_users(const std::vector<std::string>& user_ids,
                            callback<std::vector<std::string>> done) = 0;
  /// Number of connections of `user_id` (SCARD ws:connections:{userId}).
  virtual void connection_count(const std::string& user_id, callback<std::size_t> done) = 0;
};

}  // namespace chatgate::cluster
