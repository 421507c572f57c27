// pg_store's message operations (conversation ones are in pg_store.cpp).
#include <limits>

#include "core/object_id.hpp"
#include "store/postgres/pg_records.hpp"
#include "store/record_text.hpp"
#include "store/postgres/pg_store.hpp"

namespace chatgate::store::postgres {
namespace {

const std::string& select_message() {
  static const std::string sql =
      "SELECT " + std::string(message_columns) + " FROM messages WHERE id = $1";
  return sql;
}

// Newest first below a bound (the default page, and "before").
const std::string& select_before() {
  static const std::string sql = "SELECT " + std::string(message_columns) +
                                 " FROM messages WHERE conversation_id = $1 AND seq < $2::bigint"
                                 " ORDER BY seq DESC LIMIT $3::int";
  return sql;
}

// Oldest first above a bound (sync, and "after"), optionally below another.
const std::string& select_after() {
  static const std::string sql = "SELECT " + std::string(message_columns) +
                                 " FROM messages WHERE conversation_id = $1 AND seq > $2::bigint"
                                 " AND seq < $3::bigint ORDER BY seq ASC LIMIT $4::int";
  return sql;
}

const std::string& insert_message_sql() {
  static const std::string sql =
      "INSERT INTO messages (" + std::string(message_columns) +
      ") VALUES ($1, $2, $3::bigint, $4, $5, $6, $7, $8, $9::boolean, $10::boolean, $11::bigint, "
      "$12::bigint, $13::bigint, $14)";
  return sql;
}

// A send in one statement, so one round trip: the conversation's counter moves only when the
// message is new (not a retry), the sender is a participant and replyTo (if any) is a message of
// the conversation; the insert takes its seq from that update. The answer is one row: the stored
// (or, for a retry, the earlier) message with check = 0, or a row of NULLs with check = 1 (not a
// participant) or 2 (bad replyTo). The UPDATE locks the conversation row until the statement
// commits, so concurrent sends on every instance get gapless seqs (READ COMMITTED re-reads it).
const std::string& insert_checked_sql() {
  static const std::string cols(message_columns);
  static const std::string sql =
      "WITH prior AS (SELECT " + cols +
      " FROM messages WHERE id = $1),"
      " member AS (SELECT 1 FROM participants WHERE conversation_id = $2 AND user_id = $3),"
      " reply AS (SELECT $6::text IS NULL OR EXISTS (SELECT 1 FROM messages"
      "   WHERE id = $6::text AND conversation_id = $2) AS ok),"
      " bump AS (UPDATE conversations SET last_seq = last_seq + 1, last_message_id = $1,"
      "   last_message_at = $10::bigint, updated_at = $10::bigint, live_count = live_count + 1"
      "   WHERE id = $2"
      "   AND NOT EXISTS (SELECT 1 FROM prior) AND EXISTS (SELECT 1 FROM member)"
      "   AND (SELECT ok FROM reply) RETURNING last_seq),"
      // read state (pg_store_reads.cpp): one more own message after the sender's last read
      " own AS (UPDATE participants SET own_live_after_read = own_live_after_read + 1"
      "   WHERE conversation_id = $2 AND user_id = $3 AND EXISTS (SELECT 1 FROM bump)),"
      " ins AS (INSERT INTO messages (" +
      cols +
      ") SELECT $1::text, $2::text, bump.last_seq,"
      "   $3::text, $4::text, $5::text, $6::text, $7::text, $8::boolean, $9::boolean, $10::bigint, "
      "$11::bigint, $12::bigint, '[]' FROM bump"
      "   RETURNING " +
      cols +
      ")"
      " SELECT " +
      cols +
      ", 0 AS outcome FROM ins"
      " UNION ALL SELECT " +
      cols +
      ", 0 FROM prior"
      " UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
      "   NULL, NULL, CASE WHEN EXISTS (SELECT 1 FROM member) THEN 2 ELSE 1 END"
      "   WHERE NOT EXISTS (SELECT 1 FROM ins) AND NOT EXISTS (SELECT 1 FROM prior)";
  return sql;
}

}  // namespace

std::optional<message> pg_store::load_message(std::string_view id) {
  auto r = db_->query(select_message(), {id});
  if (r.rows() == 0) return std::nullopt;
  return read_message(r, 0);
}

core::result<message> pg_store::insert_message(const message& m) {
  message stored = m;
  if (stored.id.empty()) stored.id = core::make_object_id();  // outside: a retry reuses it
  return guarded([&]() -> core::result<message> {
    // The counter lives on the conversation row. UPDATE takes that row's lock until COMMIT, so
    // writers on every instance queue here and each reads the previous one's committed value
    // (READ COMMITTED re-reads the updated row): seq is 1..N without gaps, and a rollback gives
    // the number back.
    pg_transaction tx(*db_);
    auto r = db_->query(
        "UPDATE conversations SET last_seq = last_seq + 1, last_message_id = $2, "
        "last_message_at = $3::bigint, updated_at = $3::bigint, live_count = live_count + 1 "
        "WHERE id = $1 RETURNING last_seq",
        {stored.conversation_id, stored.id, to_ms(stored.created_at)});
    if (r.rows() == 0)
      return core::make_error(core::error_code::not_found, "Conversation not found");
    stored.seq = r.int64(0, 0);
    count_own_send(stored.conversation_id, stored.sender_id);
    std::optional<std::int64_t> deleted_at;
    if (stored.deleted_at) deleted_at = to_ms(*stored.deleted_at);
    db_->query(insert_message_sql(),
               {stored.id, stored.conversation_id, stored.seq, stored.sender_id, stored.content,
                attachments_to_text(stored.attachments), stored.reply_to, to_text(stored.metadata),
                stored.is_edited, stored.is_deleted, to_ms(stored.created_at),
                to_ms(stored.updated_at), deleted_at, reactions_to_text(stored.reactions)});
    tx.commit();
    return stored;
  });
}

namespace {

std::vector<pg_param> checked_params(const message& m) {
  std::optional<std::int64_t> deleted_at;
  if (m.deleted_at) deleted_at = to_ms(*m.deleted_at);
  return {m.id,         m.conversation_id,         m.sender_id,          m.content,
          attachments_to_text(m.attachments),      m.reply_to,           to_text(m.metadata),
          m.is_edited,  m.is_deleted,              to_ms(m.created_at),  to_ms(m.updated_at),
          deleted_at};
}

checked_insert read_checked(const pg_result& r) {
  if (r.rows() != 1) throw pg_error("store: send answered no row", false);
  const auto check = r.int64(0, column::m_reactions + 1);
  if (check == 1) return checked_insert{send_check::not_participant, {}};
  if (check == 2) return checked_insert{send_check::bad_reply, {}};
  return checked_insert{send_check::stored, read_message(r, 0)};
}

}  // namespace

core::result<checked_insert> pg_store::insert_message_checked(const message& m) {
  message fresh = m;
  if (fresh.id.empty()) fresh.id = core::make_object_id();  // outside: a retry reuses it
  // Idempotent by id, so guarded()'s retry after a broken connection never stores twice and a
  // message stored before the connection broke is answered as stored.
  return guarded([&]() -> core::result<checked_insert> {
    std::optional<std::int64_t> deleted_at;
    if (fresh.deleted_at) deleted_at = to_ms(*fresh.deleted_at);
    return read_checked(db_->query(
        insert_checked_sql(),
        {fresh.id, fresh.conversation_id, fresh.sender_id, fresh.content,
         attachments_to_text(fresh.attachments), fresh.reply_to, to_text(fresh.metadata),
         fresh.is_edited, fresh.is_deleted, to_ms(fresh.created_at), to_ms(fresh.updated_at),
         deleted_at}));
  });
}

std::vector<core::result<checked_insert>> pg_store::insert_messages_checked(
    std::span<const message> ms) {
  // One round trip for the batch's sends; only inside a group commit, where a failure fails
  // the whole transaction anyway (outside one, each statement would be its own transaction).
  if (ms.size() < 2 || !db_->in_batch()) return store::insert_messages_checked(ms);
  std::vector<std::vector<pg_param>> rows;
  rows.reserve(ms.size());
  for (const auto& m : ms) {
    rows.push_back(checked_params(m));
    if (m.id.empty()) rows.back()[0] = pg_param(core::make_object_id());
  }
  auto answers = guarded([&]() -> core::result<std::vector<checked_insert>> {
    std::vector<checked_insert> out;
    out.reserve(ms.size());
    for (const auto& r : db_->pipeline(insert_checked_sql(), rows)) out.push_back(read_checked(r));
    return out;
  });
  std::vector<core::result<checked_insert>> out;
  out.reserve(ms.size());
  for (std::size_t i = 0; i < ms.size(); ++i) {
    if (answers)
      out.emplace_back(std::move((*answers)[i]));
    else
      out.emplace_back(answers.error());
  }
  return out;
}

core::result<std::optional<message>> pg_store::get_message(std::string_view id) {
  return guarded([&]() -> core::result<std::optional<message>> { return load_message(id); });
}

core::result<std::optional<message>> pg_store::edit_message(std::string_view id,
                                                            std::string_view content,
                                                            core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::optional<message>> {
    auto r = db_->query(
        // A deleted message stays deleted (an edit racing a deletion changes nothing).
        "UPDATE messages SET content = $2, is_edited = TRUE, updated_at = $3::bigint "
        "WHERE id = $1 AND NOT is_deleted",
        {id, content, to_ms(now)});
    if (r.affected() == 0) return std::optional<message>{};
    return load_message(id);
  });
}

core::result<std::optional<message>> pg_store::delete_message(std::string_view id,
                                                              core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::optional<message>> {
    pg_transaction tx(*db_);
    // The conversation row's lock first (as sends and reads take it), then a fresh look at the
    // message: the read-state counters move once, in step with is_deleted.
    auto before = lock_message_conversation(id);
    if (!before) return std::optional<message>{};
    // Deleting twice keeps the first deleted_at, and counts once.
    if (!before->is_deleted) uncount_deleted(*before);
    auto r = db_->query(
        "UPDATE messages SET content = '', attachments = '[]', is_deleted = TRUE, "
        "deleted_at = COALESCE(deleted_at, $2::bigint), updated_at = $2::bigint WHERE id = $1 "
        "RETURNING " +
            std::string(message_columns),
        {id, to_ms(now)});
    if (r.rows() == 0) return std::optional<message>{};
    auto after = read_message(r, 0);
    tx.commit();
    return std::optional<message>{std::move(after)};
  });
}

core::result<std::vector<message>> pg_store::list_messages(std::string_view conversation_id,
                                                           const message_range& range) {
  return guarded([&]() -> core::result<std::vector<message>> {
    std::vector<message> out;
    if (range.limit <= 0) return out;
    const auto before = range.before_seq.value_or(std::numeric_limits<std::int64_t>::max());
    auto r = range.after_seq ? db_->query(select_after(),
                                          {conversation_id, *range.after_seq, before, range.limit})
                             : db_->query(select_before(), {conversation_id, before, range.limit});
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_message(r, i));
    return out;
  });
}

}  // namespace chatgate::store::postgres
