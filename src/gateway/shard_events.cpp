#include "gateway/shard_events.hpp"

#include "cluster/shard_bus.hpp"

namespace chatgate::gateway {

chat::events& shard_events::here() {
  const auto k = cluster::shard_bus::current();
  if (k >= targets_.size() || !targets_[k]) return none_;
  return *targets_[k];
}

}  // namespace chatgate::gateway
