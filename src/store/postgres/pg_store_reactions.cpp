// pg_store's reactions (contract §8): read the row FOR UPDATE, apply, write, in one transaction.
#include "store/postgres/pg_records.hpp"
#include "store/record_text.hpp"
#include "store/postgres/pg_store.hpp"

namespace chatgate::store::postgres {
namespace {

const std::string& select_for_update() {
  static const std::string sql =
      "SELECT " + std::string(message_columns) + " FROM messages WHERE id = $1 FOR UPDATE";
  return sql;
}

}  // namespace

core::result<reacted> pg_store::react(std::string_view message_id, std::string_view user_id,
                                      std::string_view emoji, reaction_action action,
                                      std::size_t max_distinct) {
  // Retried by guarded() after a broken connection: a repeat of an add or a removal is a no-op,
  // so a retry never applies a change twice.
  return guarded([&]() -> core::result<reacted> {
    pg_transaction tx(*db_);
    // FOR UPDATE: concurrent reactions on the message (any instance) queue on its row lock and
    // each reads the list the previous one committed.
    auto r = db_->query(select_for_update(), {message_id});
    if (r.rows() == 0) return reacted{false, reaction_outcome::unchanged, {}};
    auto current = read_message(r, 0);
    if (current.is_deleted) return reacted{false, reaction_outcome::unchanged, {}};
    reacted out{true, apply_reaction(current.reactions, user_id, emoji, action, max_distinct),
                std::move(current)};
    if (out.outcome != reaction_outcome::changed) return out;
    db_->query("UPDATE messages SET reactions = $2 WHERE id = $1",
               {message_id, reactions_to_text(out.current.reactions)});
    tx.commit();
    return out;
  });
}

}  // namespace chatgate::store::postgres
