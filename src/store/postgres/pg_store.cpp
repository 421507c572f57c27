#include "store/postgres/pg_store.hpp"

#include <spdlog/spdlog.h>

#include "core/object_id.hpp"
#include "store/postgres/pg_migrations.hpp"
#include "store/postgres/pg_records.hpp"
#include "store/record_text.hpp"

namespace chatgate::store::postgres {
namespace {

const std::string& select_conversation() {
  static const std::string sql =
      "SELECT " + std::string(conversation_columns) + " FROM conversations c WHERE c.id = $1";
  return sql;
}

// Latest activity first; the cursor continues strictly after (activity, id) of the last item.
const std::string& select_user_conversations() {
  static const std::string sql =
      "SELECT " + std::string(conversation_columns) +
      " FROM conversations c JOIN participants p ON p.conversation_id = c.id"
      " WHERE p.user_id = $1 AND ($2::bigint IS NULL"
      "   OR COALESCE(c.last_message_at, c.created_at) < $2::bigint"
      "   OR (COALESCE(c.last_message_at, c.created_at) = $2::bigint AND c.id < $3::text))"
      " ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT $4::int";
  return sql;
}

core::error not_found(std::string what) {
  return core::make_error(core::error_code::not_found, std::move(what) + " not found");
}

core::error cannot_connect(const std::string& reason) {
  return core::make_error(core::error_code::internal_error,
                          "DATABASE_URL: cannot connect to PostgreSQL: " + reason);
}

}  // namespace

core::result<std::unique_ptr<pg_store>> pg_store::open(const pg_settings& s) {
  std::vector<std::pair<std::string, std::string>> params{
      {"connect_timeout", std::to_string(s.connect_timeout.count())},
      {"application_name", s.application_name},
      {"dbname", s.conninfo}};  // expanded last, so the URL's own settings win
  if (!s.schema.empty()) params.emplace_back("options", "-c search_path=" + s.schema);
  std::unique_ptr<pg_connection> db;
  try {
    db = std::make_unique<pg_connection>(params);
  } catch (const pg_error& e) {
    return cannot_connect(e.what());
  }
  try {
    migrate(*db);
  } catch (const std::runtime_error& e) {  // schema_too_new, or SQL refused (e.g. no rights)
    return core::make_error(core::error_code::internal_error,
                            std::string("DATABASE_URL: PostgreSQL schema migration: ") + e.what());
  }
  return std::unique_ptr<pg_store>(new pg_store(std::move(db)));
}

bool pg_store::recover(const pg_error& e, bool first_try) {
  spdlog::error("store: postgres: {}", e.what());
  if (!e.broken() || !first_try) return false;
  const bool reconnected = reconnect();
  if (reconnected)
    spdlog::warn("store: postgres connection was broken; reconnected, retrying once");
  return reconnected;
}

bool pg_store::reconnect() {
  using namespace std::chrono_literals;
  const auto now = std::chrono::steady_clock::now();
  if (backoff_ > 0ms && now < next_reconnect_) return false;
  if (db_->reset()) {
    if (backoff_ > 0ms) spdlog::info("store: postgres reachable again");
    backoff_ = 0ms;
    return true;
  }
  backoff_ = backoff_ == 0ms ? 100ms : std::min<std::chrono::milliseconds>(backoff_ * 2, 5s);
  next_reconnect_ = now + backoff_;
  spdlog::error("store: postgres reconnect failed; next try in {} ms", backoff_.count());
  return false;
}

std::optional<conversation> pg_store::load_conversation(std::string_view id) {
  std::optional<std::string> last_id;
  auto r = db_->query(select_conversation(), {id});
  if (r.rows() == 0) return std::nullopt;
  auto c = read_conversation(r, 0, last_id);
  load_details(c, last_id);
  return c;
}

void pg_store::load_details(conversation& c, const std::optional<std::string>& last_id) {
  auto r = db_->query(
      std::string(participant_select) + " WHERE p.conversation_id = $1 ORDER BY p.position",
      {c.id});
  for (int i = 0; i < r.rows(); ++i) c.participants.push_back(read_participant(r, i));
  if (last_id) c.last_message = load_message(*last_id);
}

std::optional<std::string> pg_store::insert_conversation(const conversation& c,
                                                         const std::optional<std::string>& key) {
  // ON CONFLICT waits for a racing insert of the same pair to commit, then does nothing.
  auto r = db_->query(
      "INSERT INTO conversations (id, type, name, created_by, metadata, direct_key, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7::bigint, $8::bigint) "
      "ON CONFLICT (direct_key) DO NOTHING RETURNING id",
      {c.id, to_text(c.type), c.name, c.created_by, to_text(c.metadata), key, to_ms(c.created_at),
       to_ms(c.updated_at)});
  if (r.rows() == 0) return std::nullopt;
  for (const auto& p : c.participants) insert_participant(c.id, p);
  return c.id;
}

bool pg_store::insert_participant(std::string_view conversation_id, const participant& p) {
  return db_->query(
                "INSERT INTO participants (conversation_id, user_id, role, joined_at) "
                "VALUES ($1, $2, $3, $4::bigint) ON CONFLICT (conversation_id, user_id) DO NOTHING",
                {conversation_id, p.user_id, to_text(p.role), to_ms(p.joined_at)})
             .affected() > 0;
}

void pg_store::touch_conversation(std::string_view id, core::sys_time_ms now) {
  db_->query("UPDATE conversations SET updated_at = $2::bigint WHERE id = $1", {id, to_ms(now)});
}

core::result<conversation> pg_store::create_conversation(const conversation& c) {
  conversation fresh = c;
  if (fresh.id.empty()) fresh.id = core::make_object_id();  // outside: a retry reuses it
  return guarded([&]() -> core::result<conversation> {
    std::optional<std::string> key;
    // A direct pair is unique whichever create call made it.
    if (fresh.type == conversation_type::direct) key = direct_key(fresh.participants);
    pg_transaction tx(*db_);
    if (!insert_conversation(fresh, key))
      return core::make_error(core::error_code::validation_error,
                              "A direct conversation between these users already exists");
    tx.commit();
    return *load_conversation(fresh.id);
  });
}

core::result<std::pair<conversation, bool>> pg_store::create_direct_conversation(
    const conversation& c) {
  conversation direct = c;
  direct.type = conversation_type::direct;
  if (direct.id.empty()) direct.id = core::make_object_id();
  const auto key = direct_key(direct.participants);
  return guarded([&]() -> core::result<std::pair<conversation, bool>> {
    pg_transaction tx(*db_);
    const bool created = insert_conversation(direct, key).has_value();
    tx.commit();
    if (created) return std::pair{*load_conversation(direct.id), true};
    // The pair's row was committed by whoever won; this new statement's snapshot sees it.
    auto r = db_->query("SELECT id FROM conversations WHERE direct_key = $1", {key});
    if (r.rows() == 0) throw pg_error("direct conversation vanished after a conflict", false);
    return std::pair{*load_conversation(r.text(0, 0)), false};
  });
}

core::result<std::optional<conversation>> pg_store::get_conversation(std::string_view id) {
  return guarded(
      [&]() -> core::result<std::optional<conversation>> { return load_conversation(id); });
}

core::result<std::vector<conversation>> pg_store::list_conversations(
    std::string_view user_id, int limit, const std::optional<conversation_cursor>& after) {
  return guarded([&]() -> core::result<std::vector<conversation>> {
    std::vector<conversation> out;
    if (limit <= 0) return out;
    std::optional<std::int64_t> activity;
    std::optional<std::string> after_id;
    if (after) {
      activity = to_ms(after->activity);
      after_id = after->id;
    }
    auto r = db_->query(select_user_conversations(), {user_id, activity, after_id, limit});
    std::vector<std::optional<std::string>> last_ids(static_cast<std::size_t>(r.rows()));
    out.reserve(last_ids.size());
    for (int i = 0; i < r.rows(); ++i)
      out.push_back(read_conversation(r, i, last_ids[static_cast<std::size_t>(i)]));
    for (std::size_t i = 0; i < out.size(); ++i) load_details(out[i], last_ids[i]);
    return out;
  });
}

core::result<std::vector<std::string>> pg_store::conversation_ids_for_user(
    std::string_view user_id) {
  return guarded([&]() -> core::result<std::vector<std::string>> {
    auto r = db_->query("SELECT conversation_id FROM participants WHERE user_id = $1", {user_id});
    std::vector<std::string> ids;
    ids.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) ids.push_back(r.text(i, 0));
    return ids;
  });
}

core::result<std::optional<participant>> pg_store::find_participant(
    std::string_view conversation_id, std::string_view user_id) {
  return guarded([&]() -> core::result<std::optional<participant>> {
    auto r = db_->query(
        std::string(participant_select) + " WHERE p.conversation_id = $1 AND p.user_id = $2",
        {conversation_id, user_id});
    if (r.rows() == 0) return std::optional<participant>{};
    return std::optional<participant>{read_participant(r, 0)};
  });
}

core::result<std::optional<conversation>> pg_store::update_conversation(
    std::string_view id, const std::optional<std::string>& name,
    const std::optional<boost::json::object>& metadata, core::sys_time_ms now) {
  return guarded([&]() -> core::result<std::optional<conversation>> {
    auto r = db_->query(
        "UPDATE conversations SET name = CASE WHEN $2::boolean THEN $3::text ELSE name END, "
        "metadata = CASE WHEN $4::boolean THEN $5::text ELSE metadata END, "
        "updated_at = $6::bigint WHERE id = $1",
        {id, name.has_value(), name, metadata.has_value(),
         metadata ? std::optional(to_text(*metadata)) : std::nullopt, to_ms(now)});
    if (r.affected() == 0) return std::optional<conversation>{};
    return load_conversation(id);
  });
}

core::result<bool> pg_store::add_participant(std::string_view conversation_id, const participant& p,
                                             core::sys_time_ms now) {
  return guarded([&]() -> core::result<bool> {
    pg_transaction tx(*db_);
    // The conversation row's lock orders the join with sends and deletions (read-state
    // counters, pg_store_reads.cpp).
    if (db_->query("SELECT 1 FROM conversations WHERE id = $1 FOR NO KEY UPDATE", {conversation_id})
            .rows() == 0)
      return not_found("Conversation");
    const bool added = insert_participant(conversation_id, p);
    if (added) {
      start_read_state(conversation_id, p.user_id);
      touch_conversation(conversation_id, now);
    }
    tx.commit();
    return added;
  });
}

core::result<bool> pg_store::remove_participant(std::string_view conversation_id,
                                                std::string_view user_id, core::sys_time_ms now) {
  return guarded([&]() -> core::result<bool> {
    pg_transaction tx(*db_);
    const bool removed =
        db_->query("DELETE FROM participants WHERE conversation_id = $1 AND user_id = $2",
                   {conversation_id, user_id})
            .affected() > 0;
    if (removed) touch_conversation(conversation_id, now);
    tx.commit();
    return removed;
  });
}

void pg_store::log_batch_error(const pg_error& e) {
  spdlog::error("store: postgres (in a group commit, which now fails whole): {}", e.what());
}

bool pg_store::begin_batch() {
  std::lock_guard lock(mutex_);
  if (!db_->ok() || !db_->idle()) return false;  // run the calls one by one (they reconnect)
  try {
    db_->exec("BEGIN");
  } catch (const pg_error& e) {
    spdlog::error("store: postgres: {}", e.what());
    return false;
  }
  db_->set_in_batch(true);
  batch_failed_ = false;
  return true;
}

core::result<void> pg_store::end_batch() {
  std::lock_guard lock(mutex_);
  db_->set_in_batch(false);
  const bool failed = batch_failed_ || !db_->ok() || db_->aborted();
  batch_failed_ = false;
  try {
    if (!failed) {
      db_->exec("COMMIT");
      return {};
    }
    if (db_->ok()) db_->exec("ROLLBACK");
  } catch (const pg_error& e) {
    spdlog::error("store: postgres group commit: {}", e.what());
  }
  return core::make_error(core::error_code::internal_error, "store: group commit failed");
}

bool pg_store::ping() {
  auto answer =
      guarded([&]() -> core::result<bool> { return db_->query("SELECT 1").int64(0, 0) == 1; });
  return answer && *answer;
}

}  // namespace chatgate::store::postgres
