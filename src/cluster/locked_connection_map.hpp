#pragma once
#include <cstddef>
#include <mutex>

#include "cluster/connection_map.hpp"
#include "cluster/local_connection_map.hpp"

namespace chatgate::cluster {

/// The connection map of one instance with several io threads (IO_THREADS > 1, REDIS_URL unset):
/// the local map under one mutex, so MAX_CONNECTIONS_PER_USER and presence count every thread's
/// sockets. Taken once per connect, disconnect and presence query, never per message. Every
/// callback runs on the caller's thread before the call returns, after the lock is released (a
/// callback may call the map again).
class locked_connection_map final : public connection_map {
 public:
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

  /// For /metrics (any thread).
  std::size_t online_count() const;
  std::size_t socket_count() const;

 private:
  mutable std::mutex mutex_;
  local_connection_map map_;  // under mutex_
};

}  // namespace chatgate::cluster
