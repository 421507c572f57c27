#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "socketio/args.hpp"
#include "socketio/handshake.hpp"

namespace chatgate::socketio {

/// An event a recovering socket missed: its name and arguments, the offset already the last one.
struct missed_event {
  std::string name;
  args arguments;
};

/// What a session store found for a reconnecting client (Node's `Session` with its
/// `missedPackets`): the socket id to take again, the rooms to join, the events to replay.
struct restored_session {
  std::string sid;
  std::vector<std::string> rooms;
  std::vector<missed_event> missed;
};

/// Connection state recovery (Socket.IO v4.6 `connectionStateRecovery`), protocol side: with a
/// store set on the server (server::set_session_store), every CONNECT answer carries a `pid`
/// (`{"sid": ..., "pid": ...}`); a client that comes back sends `{pid, offset}` in its CONNECT
/// payload (socket.io-client merges them into its `auth`), and the store is asked for that
/// session. When it answers one, the socket takes the old id, joins its rooms, gets the missed
/// events before the CONNECT answer (the client emits them before `connect`) and
/// `recovered()` is true; the client's `socket.recovered` is then true because the pid is the
/// same. The offset is the last argument of every recoverable event (append_offset); the client
/// keeps the last one it received. The store decides everything else (who may recover, how
/// long, which events), so this layer knows nothing of chat.
class session_store {
 public:
  using restore_callback = std::function<void(std::optional<restored_session>)>;
  virtual ~session_store() = default;

  /// The session `pid` for a client connecting with handshake `hs`, after `offset` (absent when
  /// the client received no recoverable event). `done` runs once, on the io thread, now or later;
  /// nullopt: a normal connect (new id, new pid).
  virtual void restore(const handshake& hs, const std::string& pid,
                       const std::optional<std::string>& offset, restore_callback done) = 0;
};

/// Appends the offset of a recoverable event as its last argument (a string, as the client
/// requires). Offset 0 (the event was not logged) appends nothing.
inline void append_offset(args& a, std::int64_t offset) {
  if (offset > 0) a.emplace_back(std::to_string(offset));
}

}  // namespace chatgate::socketio
