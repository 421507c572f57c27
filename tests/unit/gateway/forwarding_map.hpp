#pragma once
#include <map>
#include <string>
#include <vector>

#include "cluster/local_connection_map.hpp"

namespace chatgate::gateway::testing {

/// A connection map that hands every call to an in-process map (`local`). Tests derive from it
/// and override the calls they want answered later, as a networked (Redis) map would.
class forwarding_map : public cluster::connection_map {
 public:
  void register_connection(const std::string& s, const std::string& u,
                           callback<std::size_t> done) override {
    local.register_connection(s, u, std::move(done));
  }
  void remove_connection(const std::string& s, const std::string& u,
                         callback<std::size_t> done) override {
    local.remove_connection(s, u, std::move(done));
  }
  void user_sockets(const std::string& u, callback<socket_ids> done) override {
    local.user_sockets(u, std::move(done));
  }
  void users_sockets(const std::vector<std::string>& u,
                     callback<std::map<std::string, socket_ids>> done) override {
    local.users_sockets(u, std::move(done));
  }
  void is_user_online(const std::string& u, callback<bool> done) override {
    local.is_user_online(u, std::move(done));
  }
  void online_users(const std::vector<std::string>& u,
                    callback<std::vector<std::string>> done) override {
    local.online_users(u, std::move(done));
  }
  void connection_count(const std::string& u, callback<std::size_t> done) override {
    local.connection_count(u, std::move(done));
  }

  cluster::local_connection_map local;
};

}  // namespace chatgate::gateway::testing
