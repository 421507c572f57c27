#pragma once
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/connection_map.hpp"
#include "core/compact_string.hpp"

namespace chatgate::cluster {

/// The connection map of a single instance (REDIS_URL unset): two in-process indexes, used on
/// the io thread only (no locks). Every callback runs before the call returns. The synchronous
/// accessors below serve callers that know they hold this implementation (tests, presence).
class local_connection_map final : public connection_map {
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

  /// Synchronous forms of the queries above.
  std::size_t add(const std::string& socket_id, const std::string& user_id);
  std::size_t remove(const std::string& socket_id, const std::string& user_id);
  socket_ids sockets_of(const std::string& user_id) const;
  std::vector<std::string> online(const std::vector<std::string>& user_ids) const;
  std::size_t count(const std::string& user_id) const;
  /// Users with at least one connection (the seed's ws:online).
  std::size_t online_count() const { return by_user_.size(); }
  /// Connections over all users.
  std::size_t socket_count() const { return by_socket_.size(); }
  /// Every (socket id, user id) held.
  std::vector<std::pair<std::string, std::string>> entries() const {
    std::vector<std::pair<std::string, std::string>> out;
    out.reserve(by_socket_.size());
    for (const auto& [socket, user] : by_socket_) out.emplace_back(socket.str(), *user);
    return out;
  }

 private:
  // Memory (issue 10): one entry per connection in each index, ids kept in place (compact_string:
  // a 20-character socket id needs no heap block), the user named by a pointer to its key in
  // by_user_ (node-based: stable) rather than a copy, and a user's few sockets in a vector
  // rather than a std::set (a tree node per socket).
  // user -> its socket ids (ws:connections:{userId}); a user with none is erased (ws:online).
  std::unordered_map<std::string, std::vector<core::compact_string>> by_user_;
  // socket -> user (ws:socket:{socketId}); lets remove() fix a caller that names the wrong user.
  std::unordered_map<core::compact_string, const std::string*, core::compact_string_hash,
                     core::compact_string_equal>
      by_socket_;
};

}  // namespace chatgate::cluster
