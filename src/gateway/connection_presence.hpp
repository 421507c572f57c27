#pragma once
#include <string>
#include <vector>

#include "chat/presence.hpp"
#include "cluster/connection_map.hpp"

namespace chatgate::gateway {

/// POST /api/v1/presence over the connection map. chat::presence answers synchronously, so this
/// needs a map that answers before the call returns (local_connection_map does). A map that
/// answers later (Redis) needs chat::presence to take a callback first; until then this logs
/// and reports nobody online rather than block the io thread.
class connection_presence final : public chat::presence {
 public:
  explicit connection_presence(cluster::connection_map& connections) : connections_(connections) {}

  std::vector<std::string> online(const std::vector<std::string>& user_ids) override;

 private:
  cluster::connection_map& connections_;
};

}  // namespace chatgate::gateway
