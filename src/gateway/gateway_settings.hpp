#pragma once
#include "gateway/typing_state.hpp"

namespace chatgate::gateway {

/// Settings of the chat gateway (contract §1, §6).
struct gateway_settings {
  /// MAX_CONNECTIONS_PER_USER: a user's further sockets get `error` CONNECTION_ERROR and are
  /// disconnected. 0 or less: no limit.
  int max_connections_per_user = 10;
  /// Typing indicator limits (contract §8; fixed there, not settings of the server).
  typing_settings typing{};
};

}  // namespace chatgate::gateway
