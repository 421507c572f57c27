// sqlite_store's message operations (conversation ones are in sqlite_store.cpp).
#include <limits>

#include "core/object_id.hpp"
#include "store/sqlite/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace chatgate::store::sqlite {
namespace {

const std::string& select_message() {
  static const std::string sql =
      "SELECT " + std::string(message_columns) + " FROM messages WHERE id = ?1";
  return sql;
}

// Newest first below a bound (the default page, and "before").
const std::string& select_before() {
  static const std::string sql = "SELECT " + std::string(message_columns) +
                                 " FROM messages WHERE conversation_id = ?1 AND seq < ?2"
                                 " ORDER BY seq DESC LIMIT ?3";
  return sql;
}

// Oldest first above a bound (sync, and "after"), optionally below another.
const std::string& select_after() {
  static const std::string sql = "SELECT " + std::string(message_columns) +
                                 " FROM messages WHERE conversation_id = ?1 AND seq > ?2"
                                 " AND seq < ?3 ORDER BY seq ASC LIMIT ?4";
  return sql;
}

const std::string& insert_message_sql() {
  static const std::string sql =
      "INSERT INTO messages (" + std::string(message_columns) +
      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
  return sql;
}

// The same, inserting nothing when the id is stored already (a retried send; see
// insert_message_checked).
const std::string& insert_new_message_sql() {
  static const std::string sql = insert_message_sql() + " ON CONFLICT (id) DO NOTHING";
  return sql;
}

}  // namespace

std::optional<message> sqlite_store::load_message(std::string_view id) {
  auto st = db_.prepare(select_message());
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_message(st);
}

core::result<message> sqlite_store::insert_message(const message& m) {
  return guarded([&]() -> core::result<message> {
    message stored = m;
    if (stored.id.empty()) stored.id = core::make_object_id();
    transaction tx(db_);
    if (insert_in_transaction(stored) == insert_outcome::no_conversation)
      return core::make_error(core::error_code::not_found, "Conversation not found");
    tx.commit();
    return stored;
  });
}

core::result<checked_insert> sqlite_store::insert_message_checked(const message& m) {
  return guarded([&]() -> core::result<checked_insert> {
    checked_insert out;
    out.stored = m;
    if (out.stored.id.empty()) out.stored.id = core::make_object_id();
    transaction tx(db_);
    // A retry (the id is stored already) answers the stored row, whatever changed since. It is
    // looked for only when the send cannot go in as new: a new id (every send's) costs no lookup.
    const auto stored_already = [&]() -> std::optional<checked_insert> {
      auto prior = load_message(out.stored.id);
      if (!prior) return std::nullopt;
      return checked_insert{send_check::stored, std::move(*prior)};
    };
    // The sender's own-send counter moves first and doubles as the membership check (no row: not
    // a participant); every early return below rolls it and the rest back with the transaction.
    if (!count_own_send(m.conversation_id, m.sender_id))
      return stored_already().value_or(checked_insert{send_check::not_participant, {}});
    if (m.reply_to) {
      auto parent = load_message(*m.reply_to);
      if (!parent || parent->conversation_id != m.conversation_id)
        return stored_already().value_or(checked_insert{send_check::bad_reply, {}});
    }
    switch (insert_in_transaction(out.stored, /*counted=*/true, /*if_new=*/true)) {
      case insert_outcome::no_conversation:
        return checked_insert{send_check::not_participant, {}};
      case insert_outcome::duplicate:  // the seq it took is given back by the rollback
        return stored_already().value();
      case insert_outcome::inserted:
        break;
    }
    tx.commit();
    return out;
  });
}

sqlite_store::insert_outcome sqlite_store::insert_in_transaction(message& stored, bool counted,
                                                                 bool if_new) {
  // The counter lives on the conversation row and moves inside the same IMMEDIATE transaction
  // as the insert: seq is 1..N without gaps, and a rollback gives the number back. Read back by
  // a second statement rather than RETURNING, which builds and drops a temporary table on
  // every run (5 % of the writer's time in the pairs benchmark).
  db_.prepare(
         "UPDATE conversations SET last_seq = last_seq + 1, last_message_id = ?2, "
         "last_message_at = ?3, updated_at = ?3, live_count = live_count + 1 WHERE id = ?1")
      .bind(1, stored.conversation_id)
      .bind(2, stored.id)
      .bind(3, to_ms(stored.created_at))
      .run();
  if (db_.changes() == 0) return insert_outcome::no_conversation;
  {
    auto st = db_.prepare("SELECT last_seq FROM conversations WHERE id = ?1");
    st.bind(1, stored.conversation_id);
    if (!st.step()) return insert_outcome::no_conversation;
    stored.seq = st.int64(0);
  }
  if (!counted) count_own_send(stored.conversation_id, stored.sender_id);
  db_.prepare(if_new ? insert_new_message_sql() : insert_message_sql())
      .bind(1, stored.id)
      .bind(2, stored.conversation_id)
      .bind(3, stored.seq)
      .bind(4, stored.sender_id)
      .bind(5, stored.content)
      .bind(6, attachments_to_text(stored.attachments))
      .bind(7, stored.reply_to)
      .bind(8, to_text(stored.metadata))
      .bind(9, stored.is_edited)
      .bind(10, stored.is_deleted)
      .bind(11, to_ms(stored.created_at))
      .bind(12, to_ms(stored.updated_at))
      .bind(13, stored.deleted_at ? std::optional(to_ms(*stored.deleted_at)) : std::nullopt)
      .bind(14, reactions_to_text(stored.reactions))
      .run();
  return if_new && db_.changes() == 0 ? insert_outcome::duplicate : insert_outcome::inserted;
}

core::result<std::optional<message>> sqlite_store::get_message(std::string_view id) {
  return guarded([&]() -> core::result<std::optional<message>> { return load_message(id); });
}

core::result<std::optional<message>> sqlite_store::edit_message(std::string_view id,
                                                                std::string_view content,
                                                                core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::optional<message>> {
    // A deleted message stays deleted (an edit racing a deletion changes nothing).
    db_.prepare(
           "UPDATE messages SET content = ?2, is_edited = 1, updated_at = ?3 WHERE id = ?1 "
           "AND is_deleted = 0")
        .bind(1, id)
        .bind(2, content)
        .bind(3, to_ms(now))
        .run();
    if (db_.changes() == 0) return std::optional<message>{};
    return load_message(id);
  });
}

core::result<std::optional<message>> sqlite_store::delete_message(std::string_view id,
                                                                  core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::optional<message>> {
    transaction tx(db_);
    auto before = load_message(id);
    if (!before) return std::optional<message>{};
    // Deleting twice keeps the first deleted_at, and counts once.
    if (!before->is_deleted) uncount_deleted(*before);
    db_.prepare(
           "UPDATE messages SET content = '', attachments = '[]', is_deleted = 1, "
           "deleted_at = COALESCE(deleted_at, ?2), updated_at = ?2 WHERE id = ?1")
        .bind(1, id)
        .bind(2, to_ms(now))
        .run();
    auto after = load_message(id);
    tx.commit();
    return after;
  });
}

core::result<std::vector<message>> sqlite_store::list_messages(std::string_view conversation_id,
                                                               const message_range& range) {
  return guarded([&]() -> core::result<std::vector<message>> {
    std::vector<message> out;
    if (range.limit <= 0) return out;
    const auto before = range.before_seq.value_or(std::numeric_limits<std::int64_t>::max());
    if (range.after_seq) {
      auto st = db_.prepare(select_after());
      st.bind(1, conversation_id).bind(2, *range.after_seq).bind(3, before).bind(4, range.limit);
      while (st.step()) out.push_back(read_message(st));
    } else {
      auto st = db_.prepare(select_before());
      st.bind(1, conversation_id).bind(2, before).bind(3, range.limit);
      while (st.step()) out.push_back(read_message(st));
    }
    return out;
  });
}

}  // namespace chatgate::store::sqlite
