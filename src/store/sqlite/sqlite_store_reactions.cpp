// sqlite_store's reactions (contract §8): read, apply, write in one IMMEDIATE transaction.
#include "store/sqlite/records.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace chatgate::store::sqlite {

core::result<reacted> sqlite_store::react(std::string_view message_id, std::string_view user_id,
                                          std::string_view emoji, reaction_action action,
                                          std::size_t max_distinct) {
  return guarded([&]() -> core::result<reacted> {
    // BEGIN IMMEDIATE takes the write lock before the read: no other writer (process) can
    // change the row between this read and the update.
    transaction tx(db_);
    auto current = load_message(message_id);
    if (!current || current->is_deleted) return reacted{false, reaction_outcome::unchanged, {}};
    reacted out{true, apply_reaction(current->reactions, user_id, emoji, action, max_distinct),
                std::move(*current)};
    if (out.outcome != reaction_outcome::changed) return out;  // nothing to write
    db_.prepare("UPDATE messages SET reactions = ?2 WHERE id = ?1")
        .bind(1, message_id)
        .bind(2, reactions_to_text(out.current.reactions))
        .run();
    tx.commit();
    return out;
  });
}

}  // namespace chatgate::store::sqlite
