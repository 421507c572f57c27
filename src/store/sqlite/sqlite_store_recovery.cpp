// sqlite_store's connection state recovery: the event log and the sessions (schema v5).
#include "store/sqlite/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace chatgate::store::sqlite {
namespace {

// The events after an offset, of the conversations the user is in now, with their message as
// stored now; one row more than asked, to tell "too many" from "exactly the limit".
const std::string& select_events() {
  static const std::string sql =
      "SELECT " + std::string(message_columns) +
      ", e.event_offset, e.event_name, e.event_extra FROM recovery_events e"
      " JOIN messages ON messages.id = e.event_message"
      " WHERE e.event_offset > ?1 AND e.event_conversation IN"
      " (SELECT p.conversation_id FROM participants p WHERE p.user_id = ?2)"
      " ORDER BY e.event_offset LIMIT ?3";
  return sql;
}

constexpr int extra_col = column::m_reactions + 1;  // after the last message column

}  // namespace

core::result<std::int64_t> sqlite_store::append_recovery_event(std::string_view conversation_id,
                                                               std::string_view name,
                                                               std::string_view message_id,
                                                               std::string_view extra,
                                                               core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::int64_t> {
    auto st = db_.prepare(
        "INSERT INTO recovery_events (event_conversation, event_name, event_message, event_extra,"
        " event_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING event_offset");
    st.bind(1, conversation_id)
        .bind(2, name)
        .bind(3, message_id)
        .bind(4, extra)
        .bind(5, to_ms(now));
    if (!st.step()) return core::make_error(core::error_code::internal_error, "store: no offset");
    const auto offset = st.int64(0);
    st.run();
    return offset;
  });
}

core::result<void> sqlite_store::open_recovery_session(const recovery_session& s,
                                                       core::sys_time_ms now) {
  return guarded([&]() -> core::result<void> {
    db_.prepare(
           "INSERT INTO recovery_sessions (pid, socket_id, user_id, owner, start_offset,"
           " expires_at, updated_at) VALUES (?1, ?2, ?3, ?4,"
           " (SELECT COALESCE(MAX(event_offset), 0) FROM recovery_events), NULL, ?5)"
           " ON CONFLICT (pid) DO UPDATE SET socket_id = excluded.socket_id,"
           " user_id = excluded.user_id, owner = excluded.owner,"
           " start_offset = excluded.start_offset, expires_at = NULL,"
           " updated_at = excluded.updated_at")
        .bind(1, s.pid)
        .bind(2, s.socket_id)
        .bind(3, s.user_id)
        .bind(4, s.owner)
        .bind(5, to_ms(now))
        .run();
    return {};
  });
}

core::result<void> sqlite_store::close_recovery_session(std::string_view pid,
                                                        std::string_view owner,
                                                        core::sys_time_ms expires_at) {
  return guarded([&]() -> core::result<void> {
    db_.prepare(
           "UPDATE recovery_sessions SET expires_at = ?3, updated_at = ?3"
           " WHERE pid = ?1 AND owner = ?2")
        .bind(1, pid)
        .bind(2, owner)
        .bind(3, to_ms(expires_at))
        .run();
    return {};
  });
}

core::result<std::optional<recovered_state>> sqlite_store::find_recovery_session(
    const recovery_claim& c) {
  return guarded([&]() -> core::result<std::optional<recovered_state>> {
    recovered_state out;
    std::int64_t start = 0;
    {
      auto st = db_.prepare(
          "SELECT socket_id, start_offset FROM recovery_sessions WHERE pid = ?1 AND user_id = ?2"
          " AND (expires_at IS NULL OR expires_at > ?3)");
      st.bind(1, c.pid).bind(2, c.user_id).bind(3, to_ms(c.now));
      if (!st.step()) return std::optional<recovered_state>{};
      out.socket_id = st.text(0);
      start = st.int64(1);
    }
    auto events = db_.prepare(select_events());
    events.bind(1, c.offset.value_or(start))
        .bind(2, c.user_id)
        .bind(3, static_cast<std::int64_t>(c.max_events) + 1);
    while (events.step()) {
      if (out.events.size() == c.max_events) return std::optional<recovered_state>{};
      out.events.push_back(recovery_event{events.int64(extra_col), events.text(extra_col + 1),
                                          events.text(extra_col + 2), read_message(events)});
    }
    auto ids = db_.prepare("SELECT conversation_id FROM participants WHERE user_id = ?1");
    ids.bind(1, c.user_id);
    while (ids.step()) out.conversation_ids.push_back(ids.text(0));
    return std::optional<recovered_state>(std::move(out));
  });
}

core::result<void> sqlite_store::prune_recovery(core::sys_time_ms events_before,
                                                core::sys_time_ms now,
                                                core::sys_time_ms live_before) {
  return guarded([&]() -> core::result<void> {
    db_.prepare("DELETE FROM recovery_events WHERE event_at < ?1")
        .bind(1, to_ms(events_before))
        .run();
    db_.prepare(
           "DELETE FROM recovery_sessions WHERE (expires_at IS NOT NULL AND expires_at <= ?1)"
           " OR (expires_at IS NULL AND updated_at < ?2)")
        .bind(1, to_ms(now))
        .bind(2, to_ms(live_before))
        .run();
    return {};
  });
}

}  // namespace chatgate::store::sqlite
