#pragma once
#include <chrono>
#include <cstddef>

#include "gateway/typing_state.hpp"

namespace chatgate::gateway {

/// Connection state recovery settings (contract §8).
struct recovery_settings {
  /// RECOVERY_WINDOW_MS: how long after a transport drop a client may recover. 0: off.
  std::chrono::milliseconds window{0};
  /// Most events one recovery replays; a client that missed more gets a normal connect
  /// (`recovered === false`) and catches up with messages:sync.
  std::size_t max_events = 1000;
  /// How often the store is pruned of events and sessions past the window (at most).
  std::chrono::milliseconds prune_period{60'000};
};

/// Settings of the chat gateway (contract §1, §6).
struct gateway_settings {
  /// MAX_CONNECTIONS_PER_USER: a user's further sockets get `error` CONNECTION_ERROR and are
  /// disconnected. 0 or less: no limit.
  int max_connections_per_user = 10;
  /// Typing indicator limits (contract §8; fixed there, not settings of the server).
  typing_settings typing{};
  /// Connection state recovery (RECOVERY_WINDOW_MS); off while its window is 0.
  recovery_settings recovery{};
  /// IO_THREADS > 1: store events reach every io thread's gateway, each emits to its own
  /// sockets only (socket_events' local flag).
  bool local_events = false;
};

}  // namespace chatgate::gateway
