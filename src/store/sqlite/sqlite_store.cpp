#include "store/sqlite/sqlite_store.hpp"

#include <filesystem>

#include "core/object_id.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/records.hpp"

namespace chatgate::store::sqlite {
namespace {

const std::string& select_conversation() {
  static const std::string sql =
      "SELECT " + std::string(conversation_columns) + " FROM conversations c WHERE c.id = ?1";
  return sql;
}

// Latest activity first; the cursor continues strictly after (activity, id) of the last item.
const std::string& select_user_conversations() {
  static const std::string sql =
      "SELECT " + std::string(conversation_columns) +
      " FROM conversations c JOIN participants p ON p.conversation_id = c.id"
      " WHERE p.user_id = ?1 AND (?2 IS NULL"
      "   OR COALESCE(c.last_message_at, c.created_at) < ?2"
      "   OR (COALESCE(c.last_message_at, c.created_at) = ?2 AND c.id < ?3))"
      " ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT ?4";
  return sql;
}

core::error not_found(std::string what) {
  return core::make_error(core::error_code::not_found, std::move(what) + " not found");
}

}  // namespace

sqlite_store::sqlite_store(const sqlite_settings& s) : db_(s.path) {
  db_.exec("PRAGMA busy_timeout = " + std::to_string(s.busy_timeout.count()));
  db_.exec("PRAGMA foreign_keys = ON");
  db_.exec("PRAGMA journal_mode = WAL");
  db_.exec(s.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db_.exec("PRAGMA wal_autocheckpoint = " + std::to_string(s.checkpoint.wal_pages));
  migrate(db_);
  if (s.background_checkpoint && s.path != ":memory:") {
    checkpointer_ = std::make_unique<checkpointer>(s.path, s.checkpoint);
    checkpointer_->attach(db_);
  }
}

core::result<std::unique_ptr<sqlite_store>> sqlite_store::open(const sqlite_settings& s) {
  const auto parent = std::filesystem::path(s.path).parent_path();
  std::error_code ec;
  if (s.path != ":memory:" && !parent.empty() && !std::filesystem::is_directory(parent, ec))
    return core::make_error(core::error_code::internal_error,
                            "DATABASE_URL: directory '" + parent.string() + "' does not exist");
  try {
    return std::unique_ptr<sqlite_store>(new sqlite_store(s));
  } catch (const sqlite_error& e) {
    return core::make_error(core::error_code::internal_error,
                            "DATABASE_URL: sqlite '" + s.path + "': " + e.what());
  }
}

std::optional<conversation> sqlite_store::load_conversation(std::string_view id) {
  std::optional<std::string> last_id;
  std::optional<conversation> c;
  {
    auto st = db_.prepare(select_conversation());
    st.bind(1, id);
    if (!st.step()) return std::nullopt;
    c = read_conversation(st, last_id);
  }
  load_details(*c, last_id);
  return c;
}

void sqlite_store::load_details(conversation& c, const std::optional<std::string>& last_id) {
  auto st = db_.prepare(std::string(participant_select) +
                        " WHERE p.conversation_id = ?1 ORDER BY p.rowid");
  st.bind(1, c.id);
  while (st.step()) c.participants.push_back(read_participant(st));
  if (last_id) c.last_message = load_message(*last_id);
}

conversation sqlite_store::insert_conversation(const conversation& c,
                                               const std::optional<std::string>& key) {
  conversation stored = c;
  if (stored.id.empty()) stored.id = core::make_object_id();
  stored.last_message.reset();
  stored.last_message_at.reset();
  db_.prepare(
         "INSERT INTO conversations (id, type, name, created_by, metadata, direct_key, "
         "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, stored.id)
      .bind(2, to_text(stored.type))
      .bind(3, stored.name)
      .bind(4, stored.created_by)
      .bind(5, to_text(stored.metadata))
      .bind(6, key)
      .bind(7, to_ms(stored.created_at))
      .bind(8, to_ms(stored.updated_at))
      .run();
  for (const auto& p : stored.participants) insert_participant(stored.id, p);
  return stored;
}

void sqlite_store::insert_participant(std::string_view conversation_id, const participant& p) {
  db_.prepare(
         "INSERT OR IGNORE INTO participants (conversation_id, user_id, role, joined_at) "
         "VALUES (?1, ?2, ?3, ?4)")
      .bind(1, conversation_id)
      .bind(2, p.user_id)
      .bind(3, to_text(p.role))
      .bind(4, to_ms(p.joined_at))
      .run();
}

void sqlite_store::touch_conversation(std::string_view id, core::sys_time_ms now) {
  db_.prepare("UPDATE conversations SET updated_at = ?2 WHERE id = ?1")
      .bind(1, id)
      .bind(2, to_ms(now))
      .run();
}

core::result<conversation> sqlite_store::create_conversation(const conversation& c) {
  return guarded([&]() -> core::result<conversation> {
    transaction tx(db_);
    std::optional<std::string> key;
    if (c.type == conversation_type::direct) {
      // A direct pair is unique whichever create call made it.
      key = direct_key(c.participants);
      auto st = db_.prepare("SELECT id FROM conversations WHERE direct_key = ?1");
      if (st.bind(1, *key).step())
        return core::make_error(core::error_code::validation_error,
                                "A direct conversation between these users already exists");
    }
    auto stored = insert_conversation(c, key);
    tx.commit();
    return *load_conversation(stored.id);
  });
}

core::result<std::pair<conversation, bool>> sqlite_store::create_direct_conversation(
    const conversation& c) {
  return guarded([&]() -> core::result<std::pair<conversation, bool>> {
    const auto key = direct_key(c.participants);
    transaction tx(db_);  // IMMEDIATE: lookup and insert under one write lock
    std::optional<std::string> existing;
    {
      auto st = db_.prepare("SELECT id FROM conversations WHERE direct_key = ?1");
      if (st.bind(1, key).step()) existing = st.text(0);
    }
    if (existing) return std::pair{*load_conversation(*existing), false};
    conversation direct = c;
    direct.type = conversation_type::direct;
    auto stored = insert_conversation(direct, key);
    tx.commit();
    return std::pair{*load_conversation(stored.id), true};
  });
}

core::result<std::optional<conversation>> sqlite_store::get_conversation(std::string_view id) {
  return guarded(
      [&]() -> core::result<std::optional<conversation>> { return load_conversation(id); });
}

core::result<std::vector<conversation>> sqlite_store::list_conversations(
    std::string_view user_id, int limit, const std::optional<conversation_cursor>& after) {
  return guarded([&]() -> core::result<std::vector<conversation>> {
    std::vector<conversation> out;
    std::vector<std::optional<std::string>> last_ids;
    if (limit <= 0) return out;
    {
      auto st = db_.prepare(select_user_conversations());
      st.bind(1, user_id).bind(4, limit);
      if (after) st.bind(2, to_ms(after->activity)).bind(3, after->id);
      while (st.step()) out.push_back(read_conversation(st, last_ids.emplace_back()));
    }
    for (std::size_t i = 0; i < out.size(); ++i) load_details(out[i], last_ids[i]);
    return out;
  });
}

core::result<std::vector<std::string>> sqlite_store::conversation_ids_for_user(
    std::string_view user_id) {
  return guarded([&]() -> core::result<std::vector<std::string>> {
    std::vector<std::string> ids;
    auto st = db_.prepare("SELECT conversation_id FROM participants WHERE user_id = ?1");
    st.bind(1, user_id);
    while (st.step()) ids.push_back(st.text(0));
    return ids;
  });
}

core::result<std::optional<participant>> sqlite_store::find_participant(
    std::string_view conversation_id, std::string_view user_id) {
  return guarded([&]() -> core::result<std::optional<participant>> {
    auto st = db_.prepare(std::string(participant_select) +
                          " WHERE p.conversation_id = ?1 AND p.user_id = ?2");
    st.bind(1, conversation_id).bind(2, user_id);
    if (!st.step()) return std::optional<participant>{};
    return std::optional<participant>{read_participant(st)};
  });
}

core::result<std::optional<conversation>> sqlite_store::update_conversation(
    std::string_view id, const std::optional<std::string>& name,
    const std::optional<boost::json::object>& metadata, core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::optional<conversation>> {
    db_.prepare(
           "UPDATE conversations SET name = CASE WHEN ?2 THEN ?3 ELSE name END, "
           "metadata = CASE WHEN ?4 THEN ?5 ELSE metadata END, updated_at = ?6 WHERE id = ?1")
        .bind(1, id)
        .bind(2, name.has_value())
        .bind(3, name)
        .bind(4, metadata.has_value())
        .bind(5, metadata ? std::optional(to_text(*metadata)) : std::nullopt)
        .bind(6, to_ms(now))
        .run();
    if (db_.changes() == 0) return std::optional<conversation>{};
    return load_conversation(id);
  });
}

core::result<bool> sqlite_store::add_participant(std::string_view conversation_id,
                                                 const participant& p, core::sys_time_ms now) {
  return guarded([&]() -> core::result<bool> {
    transaction tx(db_);
    {
      auto st = db_.prepare("SELECT 1 FROM conversations WHERE id = ?1");
      if (!st.bind(1, conversation_id).step()) return not_found("Conversation");
    }
    insert_participant(conversation_id, p);
    const bool added = db_.changes() > 0;
    if (added) {
      start_read_state(conversation_id, p.user_id);
      touch_conversation(conversation_id, now);
    }
    tx.commit();
    return added;
  });
}

core::result<bool> sqlite_store::remove_participant(std::string_view conversation_id,
                                                    std::string_view user_id,
                                                    core::sys_time_ms now) {
  return guarded([&]() -> core::result<bool> {
    transaction tx(db_);
    db_.prepare("DELETE FROM participants WHERE conversation_id = ?1 AND user_id = ?2")
        .bind(1, conversation_id)
        .bind(2, user_id)
        .run();
    const bool removed = db_.changes() > 0;
    if (removed) touch_conversation(conversation_id, now);
    tx.commit();
    return removed;
  });
}

bool sqlite_store::ping() {
  auto answer = guarded([&]() -> core::result<bool> { return db_.query_int("SELECT 1") == 1; });
  return answer && *answer;
}

bool sqlite_store::begin_batch() {
  auto begun = guarded([&]() -> core::result<void> {
    db_.begin_batch();
    return {};
  });
  return begun.has_value();
}

core::result<void> sqlite_store::end_batch() {
  return guarded([&]() -> core::result<void> {
    db_.end_batch();
    return {};
  });
}

}  // namespace chatgate::store::sqlite
