// pg_store's connection state recovery: the event log and the sessions (schema v5).
#include "store/postgres/pg_records.hpp"
#include "store/record_text.hpp"
#include "store/postgres/pg_store.hpp"

namespace chatgate::store::postgres {
namespace {

// The events after an offset, of the conversations the user is in now, with their message as
// stored now; one row more than asked, to tell "too many" from "exactly the limit".
const std::string& select_events() {
  static const std::string sql =
      "SELECT " + std::string(message_columns) +
      ", e.event_offset, e.event_name, e.event_extra FROM recovery_events e"
      " JOIN messages ON messages.id = e.event_message"
      " WHERE e.event_offset > $1::bigint AND e.event_conversation IN"
      " (SELECT p.conversation_id FROM participants p WHERE p.user_id = $2)"
      " ORDER BY e.event_offset LIMIT $3::bigint";
  return sql;
}

constexpr int extra_col = column::m_reactions + 1;  // after the last message column

}  // namespace

core::result<std::int64_t> pg_store::append_recovery_event(std::string_view conversation_id,
                                                           std::string_view name,
                                                           std::string_view message_id,
                                                           std::string_view extra,
                                                           core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::int64_t> {
    auto r = db_->query(
        "INSERT INTO recovery_events (event_conversation, event_name, event_message, event_extra,"
        " event_at) VALUES ($1, $2, $3, $4, $5::bigint) RETURNING event_offset",
        {conversation_id, name, message_id, extra, to_ms(now)});
    if (r.rows() != 1)
      return core::make_error(core::error_code::internal_error, "store: no offset");
    return r.int64(0, 0);
  });
}

core::result<void> pg_store::open_recovery_session(const recovery_session& s,
                                                   core::sys_time_ms now) {
  return guarded([&]() -> core::result<void> {
    db_->query(
        "INSERT INTO recovery_sessions (pid, socket_id, user_id, owner, start_offset,"
        " expires_at, updated_at) VALUES ($1, $2, $3, $4,"
        " (SELECT COALESCE(MAX(event_offset), 0) FROM recovery_events), NULL, $5::bigint)"
        " ON CONFLICT (pid) DO UPDATE SET socket_id = excluded.socket_id,"
        " user_id = excluded.user_id, owner = excluded.owner,"
        " start_offset = excluded.start_offset, expires_at = NULL,"
        " updated_at = excluded.updated_at",
        {s.pid, s.socket_id, s.user_id, s.owner, to_ms(now)});
    return {};
  });
}

core::result<void> pg_store::close_recovery_session(std::string_view pid, std::string_view owner,
                                                    core::sys_time_ms expires_at) {
  return guarded([&]() -> core::result<void> {
    db_->query(
        "UPDATE recovery_sessions SET expires_at = $3::bigint, updated_at = $3::bigint"
        " WHERE pid = $1 AND owner = $2",
        {pid, owner, to_ms(expires_at)});
    return {};
  });
}

core::result<std::optional<recovered_state>> pg_store::find_recovery_session(
    const recovery_claim& c) {
  return guarded([&]() -> core::result<std::optional<recovered_state>> {
    recovered_state out;
    auto session = db_->query(
        "SELECT socket_id, start_offset FROM recovery_sessions WHERE pid = $1 AND user_id = $2"
        " AND (expires_at IS NULL OR expires_at > $3::bigint)",
        {c.pid, c.user_id, to_ms(c.now)});
    if (session.rows() == 0) return std::optional<recovered_state>{};
    out.socket_id = session.text(0, 0);
    const std::int64_t after = c.offset.value_or(session.int64(0, 1));
    auto events = db_->query(select_events(),
                             {after, c.user_id, static_cast<std::int64_t>(c.max_events) + 1});
    if (static_cast<std::size_t>(events.rows()) > c.max_events)
      return std::optional<recovered_state>{};
    for (int i = 0; i < events.rows(); ++i)
      out.events.push_back(recovery_event{events.int64(i, extra_col), events.text(i, extra_col + 1),
                                          events.text(i, extra_col + 2), read_message(events, i)});
    auto ids =
        db_->query("SELECT conversation_id FROM participants WHERE user_id = $1", {c.user_id});
    for (int i = 0; i < ids.rows(); ++i) out.conversation_ids.push_back(ids.text(i, 0));
    return std::optional<recovered_state>(std::move(out));
  });
}

core::result<void> pg_store::prune_recovery(core::sys_time_ms events_before, core::sys_time_ms now,
                                            core::sys_time_ms live_before) {
  return guarded([&]() -> core::result<void> {
    db_->query("DELETE FROM recovery_events WHERE event_at < $1::bigint", {to_ms(events_before)});
    db_->query(
        "DELETE FROM recovery_sessions WHERE (expires_at IS NOT NULL AND expires_at <= $1::bigint)"
        " OR (expires_at IS NULL AND updated_at < $2::bigint)",
        {to_ms(now), to_ms(live_before)});
    return {};
  });
}

}  // namespace chatgate::store::postgres
