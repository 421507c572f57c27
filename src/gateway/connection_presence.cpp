#include "gateway/connection_presence.hpp"

#include <memory>
#include <optional>

#include <spdlog/spdlog.h>

namespace chatgate::gateway {

std::vector<std::string> connection_presence::online(const std::vector<std::string>& user_ids) {
  // Shared with the callback: a late answer from an asynchronous map must not write to a dead
  // stack frame.
  auto answer = std::make_shared<std::optional<std::vector<std::string>>>();
  connections_.online_users(user_ids,
                            [answer](std::vector<std::string> ids) { *answer = std::move(ids); });
  if (!*answer) {
    spdlog::warn("gateway: presence asked of a connection map that answers asynchronously");
    return {};
  }
  return std::move(**answer);
}

void connection_presence::query_online(const std::vector<std::string>& user_ids,
                                       std::function<void(std::vector<std::string>)> done) {
  connections_.online_users(user_ids, std::move(done));
}

}  // namespace chatgate::gateway
