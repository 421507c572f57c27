#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace chatgate::engineio {

/// Counters of one Engine.IO server (for /metrics).
struct server_stats {
  std::uint64_t sessions_opened = 0;
  std::uint64_t sessions_closed = 0;
  std::uint64_t upgrade_attempts = 0;         // websockets that joined a polling session
  std::uint64_t slow_client_disconnects = 0;  // closed because the outgoing queue overflowed
  std::uint64_t requests_refused = 0;         // answered with an Engine.IO error code
  std::uint64_t origin_refused = 0;           // Origin not in allowed_origins (403)
  std::uint64_t handshakes_rate_limited = 0;  // past the per-address handshake limit (429)
  std::uint64_t unauthenticated_refused = 0;  // past max_unauthenticated (503)
  /// Closed sessions by Node reason string ("transport close", "ping timeout", ...).
  std::map<std::string, std::uint64_t, std::less<>> closed_by_reason;
};

}  // namespace chatgate::engineio
