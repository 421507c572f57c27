#pragma once
#include <functional>
#include <string>
#include <vector>

#include "chat/presence.hpp"
#include "cluster/connection_map.hpp"

namespace chatgate::gateway {

/// POST /api/v1/presence over the connection map. query_online (what REST uses) forwards the
/// map's answer whenever it comes, so a networked map (Redis) fits. online() is the synchronous
/// form: it needs a map that answers before the call returns (local_connection_map does); with
/// one that answers later it logs and reports nobody online rather than block the io thread.
class connection_presence final : public chat::presence {
 public:
  explicit connection_presence(cluster::connection_map& connections) : connections_(connections) {}

  std::vector<std::string> online(const std::vector<std::string>& user_ids) override;
  void query_online(const std::vector<std::string>& user_ids,
                    std::function<void(std::vector<std::string>)> done) override;

 private:
  cluster::connection_map& connections_;
};

}  // namespace chatgate::gateway
