// pg_store's read state (contract §8): mark_read and the counters sends, deletions and joins
// keep (formula: pg_migrations.cpp v3). Every change to them takes the conversation row's lock
// first (a send's UPDATE of last_seq, a deletion's and a read's FOR NO KEY UPDATE), so writers
// on every instance queue on that row and each then reads the others' committed counters
// (READ COMMITTED: a statement after the lock sees what committed before it).
#include <algorithm>

#include "store/postgres/pg_records.hpp"
#include "store/record_text.hpp"
#include "store/postgres/pg_store.hpp"

namespace chatgate::store::postgres {

void pg_store::count_own_send(std::string_view conversation_id, std::string_view sender) {
  db_->query(
      "UPDATE participants SET own_live_after_read = own_live_after_read + 1 "
      "WHERE conversation_id = $1 AND user_id = $2",
      {conversation_id, sender});
}

std::optional<message> pg_store::lock_message_conversation(std::string_view id) {
  auto owner = db_->query("SELECT conversation_id FROM messages WHERE id = $1", {id});
  if (owner.rows() == 0) return std::nullopt;
  db_->query("SELECT 1 FROM conversations WHERE id = $1 FOR NO KEY UPDATE", {owner.text(0, 0)});
  return load_message(id);  // a new statement: sees what committed while we waited
}

void pg_store::uncount_deleted(const message& m) {
  // Readers past it counted it as read; the sender (still in the conversation) not past it
  // counted it as their own.
  db_->query(
      "WITH c AS (UPDATE conversations SET live_count = live_count - 1 WHERE id = $1) "
      "UPDATE participants SET "
      "live_through_read = live_through_read - (last_read_seq >= $2::bigint)::int, "
      "own_live_after_read = own_live_after_read - "
      "  (user_id = $3 AND last_read_seq < $2::bigint)::int "
      "WHERE conversation_id = $1 AND (last_read_seq >= $2::bigint OR user_id = $3)",
      {m.conversation_id, m.seq, m.sender_id});
}

void pg_store::start_read_state(std::string_view conversation_id, std::string_view user_id) {
  db_->query(
      "UPDATE participants SET last_read_seq = 0, live_through_read = 0, "
      "own_live_after_read = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = $1 "
      "AND m.sender_id = $2 AND NOT m.is_deleted) WHERE conversation_id = $1 AND user_id = $2",
      {conversation_id, user_id});
}

core::result<std::optional<read_state>> pg_store::mark_read(std::string_view conversation_id,
                                                            std::string_view user_id,
                                                            std::int64_t seq) {
  return guarded([&]() -> core::result<std::optional<read_state>> {
    pg_transaction tx(*db_);
    auto conv = db_->query("SELECT last_seq FROM conversations WHERE id = $1 FOR NO KEY UPDATE",
                           {conversation_id});
    if (conv.rows() == 0) return std::optional<read_state>{};
    auto mine = db_->query(
        "SELECT last_read_seq FROM participants WHERE conversation_id = $1 AND user_id = $2",
        {conversation_id, user_id});
    if (mine.rows() == 0) return std::optional<read_state>{};
    const std::int64_t current = mine.int64(0, 0);
    const std::int64_t target = std::max(current, std::min(seq, conv.int64(0, 0)));
    if (target > current) {
      // Only the messages between the old and the new mark are counted (the seq index).
      db_->query(
          "UPDATE participants p SET last_read_seq = $4::bigint, "
          "live_through_read = p.live_through_read + x.live, "
          "own_live_after_read = p.own_live_after_read - x.own "
          "FROM (SELECT COUNT(*) FILTER (WHERE NOT is_deleted) AS live, "
          "  COUNT(*) FILTER (WHERE NOT is_deleted AND sender_id = $2) AS own FROM messages "
          "  WHERE conversation_id = $1 AND seq > $3::bigint AND seq <= $4::bigint) x "
          "WHERE p.conversation_id = $1 AND p.user_id = $2",
          {conversation_id, user_id, current, target});
    }
    auto r = db_->query(
        std::string(participant_select) + " WHERE p.conversation_id = $1 AND p.user_id = $2",
        {conversation_id, user_id});
    if (r.rows() == 0) return std::optional<read_state>{};
    const auto p = read_participant(r, 0);
    tx.commit();
    return std::optional<read_state>{read_state{std::string(conversation_id), std::string(user_id),
                                                p.last_read_seq, p.unread_count}};
  });
}

}  // namespace chatgate::store::postgres
