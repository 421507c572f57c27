// sqlite_store's read state (contract §8): mark_read and the counters sends, deletions and
// joins keep (formula: migrations.cpp v3). Every write runs on the one writer connection, inside
// an IMMEDIATE transaction (or a group commit's savepoint), so the counters move in step with
// the messages they count.
#include <algorithm>

#include "store/sqlite/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace chatgate::store::sqlite {

bool sqlite_store::count_own_send(std::string_view conversation_id, std::string_view sender) {
  db_.prepare(
         "UPDATE participants SET own_live_after_read = own_live_after_read + 1 "
         "WHERE conversation_id = ?1 AND user_id = ?2")
      .bind(1, conversation_id)
      .bind(2, sender)
      .run();
  return db_.changes() > 0;
}

void sqlite_store::uncount_deleted(const message& m) {
  db_.prepare("UPDATE conversations SET live_count = live_count - 1 WHERE id = ?1")
      .bind(1, m.conversation_id)
      .run();
  // Readers past it counted it as read; the sender (still in the conversation) not past it
  // counted it as their own.
  db_.prepare(
         "UPDATE participants SET "
         "live_through_read = live_through_read - (last_read_seq >= ?2), "
         "own_live_after_read = own_live_after_read - (user_id = ?3 AND last_read_seq < ?2) "
         "WHERE conversation_id = ?1 AND (last_read_seq >= ?2 OR user_id = ?3)")
      .bind(1, m.conversation_id)
      .bind(2, m.seq)
      .bind(3, m.sender_id)
      .run();
}

void sqlite_store::start_read_state(std::string_view conversation_id, std::string_view user_id) {
  db_.prepare(
         "UPDATE participants SET last_read_seq = 0, live_through_read = 0, "
         "own_live_after_read = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = ?1 "
         "AND m.sender_id = ?2 AND m.is_deleted = 0) WHERE conversation_id = ?1 AND user_id = ?2")
      .bind(1, conversation_id)
      .bind(2, user_id)
      .run();
}

core::result<std::optional<read_state>> sqlite_store::mark_read(std::string_view conversation_id,
                                                                std::string_view user_id,
                                                                std::int64_t seq) {
  return guarded([&]() -> core::result<std::optional<read_state>> {
    transaction tx(db_);
    std::int64_t last_seq = 0, current = 0;
    {
      auto st = db_.prepare(
          "SELECT c.last_seq, p.last_read_seq FROM participants p JOIN conversations c "
          "ON c.id = p.conversation_id WHERE p.conversation_id = ?1 AND p.user_id = ?2");
      st.bind(1, conversation_id).bind(2, user_id);
      if (!st.step()) return std::optional<read_state>{};
      last_seq = st.int64(0);
      current = st.int64(1);
    }
    const std::int64_t target = std::max(current, std::min(seq, last_seq));
    if (target > current) {
      // Only the messages between the old and the new mark are counted (the seq index).
      db_.prepare(
             "UPDATE participants SET last_read_seq = ?4, "
             "live_through_read = live_through_read + (SELECT COUNT(*) FROM messages "
             "  WHERE conversation_id = ?1 AND seq > ?3 AND seq <= ?4 AND is_deleted = 0), "
             "own_live_after_read = own_live_after_read - (SELECT COUNT(*) FROM messages "
             "  WHERE conversation_id = ?1 AND seq > ?3 AND seq <= ?4 AND is_deleted = 0 "
             "  AND sender_id = ?2) "
             "WHERE conversation_id = ?1 AND user_id = ?2")
          .bind(1, conversation_id)
          .bind(2, user_id)
          .bind(3, current)
          .bind(4, target)
          .run();
    }
    auto st = db_.prepare(std::string(participant_select) +
                          " WHERE p.conversation_id = ?1 AND p.user_id = ?2");
    st.bind(1, conversation_id).bind(2, user_id);
    if (!st.step()) return std::optional<read_state>{};
    const auto p = read_participant(st);
    tx.commit();
    return std::optional<read_state>{read_state{std::string(conversation_id), std::string(user_id),
                                                p.last_read_seq, p.unread_count}};
  });
}

}  // namespace chatgate::store::sqlite
