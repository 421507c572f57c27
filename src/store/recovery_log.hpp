#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/model.hpp"

namespace chatgate::store {

/// One replayable conversation event (contract §8 "Missed messages on reconnect"): its global
/// offset, its Socket.IO event name, the message it is about (as stored now) and what else the
/// event said (JSON text, e.g. a reaction's user/emoji/action; empty when nothing).
struct recovery_event {
  std::int64_t offset = 0;
  std::string name;
  std::string extra;
  message subject;
};

/// A connection-state-recovery session: the Socket.IO private id (`pid`) of a socket, its public
/// id, its user, and which socket holds it now (`owner`, one random token per live socket, so a
/// late disconnect of a replaced socket does not expire the session of its successor).
struct recovery_session {
  std::string pid;
  std::string socket_id;
  std::string user_id;
  std::string owner;
};

/// What a session restore asks: the session `pid` of `user_id`, the events after `offset`
/// (nullopt: after the offset the session recorded when it was opened), at most `max_events`.
struct recovery_claim {
  std::string pid;
  std::string user_id;
  std::optional<std::int64_t> offset;
  core::sys_time_ms now{};
  std::size_t max_events = 1000;
};

/// A restorable session: its socket id, the user's conversations now, and the events after the
/// offset of those conversations, in offset order.
struct recovered_state {
  std::string socket_id;
  std::vector<std::string> conversation_ids;
  std::vector<recovery_event> events;
};

/// The store side of connection state recovery: sessions and the event log, kept in the database
/// so that a client recovers after a restart and through another instance. Offsets come from
/// one counter of the database (SQLite AUTOINCREMENT, PostgreSQL IDENTITY). Only stores that
/// implement it are used with RECOVERY_WINDOW_MS > 0; the defaults answer internal_error (test
/// fakes of store::store do not keep a log).
class recovery_log {
 public:
  virtual ~recovery_log() = default;

  /// Appends an event of `conversation_id` about `message_id` (inside the caller's transaction
  /// or batch when there is one); returns its offset.
  virtual core::result<std::int64_t> append_recovery_event(std::string_view /*conversation_id*/,
                                                           std::string_view /*name*/,
                                                           std::string_view /*message_id*/,
                                                           std::string_view /*extra*/,
                                                           core::sys_time_ms /*now*/) {
    return unsupported<std::int64_t>();
  }
  /// Creates or takes over session `s.pid`: live (no expiry), held by `s.owner`, its start
  /// offset the log's newest.
  virtual core::result<void> open_recovery_session(const recovery_session& /*s*/,
                                                   core::sys_time_ms /*now*/) {
    return unsupported<void>();
  }
  /// The socket holding `pid` as `owner` is gone: the session expires at `expires_at`. No-op
  /// when another socket holds it now.
  virtual core::result<void> close_recovery_session(std::string_view /*pid*/,
                                                    std::string_view /*owner*/,
                                                    core::sys_time_ms /*expires_at*/) {
    return unsupported<void>();
  }
  /// The session of `c.pid` if it belongs to `c.user_id`, is live or not expired at `c.now`, and
  /// has at most `c.max_events` events to replay; else nullopt. Changes nothing.
  virtual core::result<std::optional<recovered_state>> find_recovery_session(
      const recovery_claim& /*c*/) {
    return unsupported<std::optional<recovered_state>>();
  }
  /// Deletes events older than `events_before`, sessions expired at `now`, and live sessions not
  /// touched since `live_before` (their instance died without closing them).
  virtual core::result<void> prune_recovery(core::sys_time_ms /*events_before*/,
                                            core::sys_time_ms /*now*/,
                                            core::sys_time_ms /*live_before*/) {
    return unsupported<void>();
  }

 private:
  template <class T>
  static core::result<T> unsupported() {
    return core::make_error(core::error_code::internal_error,
                            "store: this store keeps no recovery log");
  }
};

}  // namespace chatgate::store
