#pragma once
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "engineio/handshake_limiter.hpp"

namespace chatgate::engineio {

/// Engine.IO server settings; defaults are the Node server's unless noted.
struct settings {
  /// Request path prefix this server answers (Node's `path`, normalised with a trailing '/').
  std::string path = "/socket.io/";
  /// The server sends a ping this long after the last pong (or the handshake).
  std::chrono::milliseconds ping_interval{25'000};
  /// The session closes with "ping timeout" if no pong arrives this long after a ping was queued.
  /// (Node's default is 20 s; chatgate's PING_TIMEOUT_MS default, the contract's, is 60 s.)
  std::chrono::milliseconds ping_timeout{60'000};
  /// Largest POST body / websocket message accepted, announced as `maxPayload` (Node's
  /// maxHttpBufferSize). Also the most a single polling response carries when more is queued.
  std::size_t max_payload = 1'000'000;
  /// A websocket opening or closing handshake (Beast's timeout) may take this long.
  std::chrono::milliseconds handshake_timeout{30'000};
  /// A websocket probe that does not complete the upgrade within this time is closed.
  std::chrono::milliseconds upgrade_timeout{10'000};
  /// Origins allowed by CORS; "*" allows any (the Origin is echoed, with credentials).
  std::vector<std::string> allowed_origins{"*"};
  /// Outgoing bytes a session may hold unsent; past it the session closes with "slow client"
  /// (not in Node, whose buffer is unbounded). One packet is always accepted when nothing is
  /// waiting, however large.
  std::size_t max_queued_bytes = 1024 * 1024;
  /// How long a closing polling session waits for a GET to carry the close packet (Node: 30 s),
  /// and a closing websocket for its writes in flight before the connection is dropped.
  std::chrono::milliseconds close_timeout{30'000};
  /// Handshakes per client address (contract §9, CONNECT_RATE_LIMIT); past it 429 before any
  /// session or websocket exists. Not in Node.
  handshake_limiter_settings handshake_limit{};
  /// Sessions not yet marked authenticated (socket::mark_authenticated) allowed at once; past it
  /// a handshake gets 503 before any session or websocket exists. 0: no cap. Not in Node.
  std::size_t max_unauthenticated = 1000;
  /// Transports accepted (Node's `transports`).
  bool allow_polling = true;
  bool allow_websocket = true;
  /// Whether polling sessions are offered the websocket upgrade (Node's `allowUpgrades`).
  bool allow_upgrades = true;
};

}  // namespace chatgate::engineio
