#include "store/postgres/pg_migrations.hpp"

#include <array>
#include <chrono>
#include <string>

namespace chatgate::store::postgres {
namespace {

// The SQLite store's tables and columns. Times are BIGINT milliseconds since the epoch (exact
// round trip, and the same cursor arithmetic as SQLite). JSON (metadata, attachments) is TEXT,
// not JSONB: JSONB would reorder keys and renormalise numbers, and clients get back what they
// sent. Ids use the "C" collation so that id order (cursor tie-break) is byte order whatever
// the database's locale.
constexpr std::string_view v1_initial_schema = R"sql(
CREATE TABLE conversations (
  id              TEXT COLLATE "C" PRIMARY KEY,
  type            TEXT NOT NULL CHECK (type IN ('direct', 'group')),
  name            TEXT,
  created_by      TEXT NOT NULL,
  metadata        TEXT NOT NULL DEFAULT '{}',
  direct_key      TEXT UNIQUE,                -- direct only: the sorted participant pair
  last_seq        BIGINT NOT NULL DEFAULT 0,  -- seq of the newest message: the seq counter
  last_message_id TEXT,
  last_message_at BIGINT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE TABLE participants (
  conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id         TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  joined_at       BIGINT NOT NULL,
  position        BIGINT GENERATED ALWAYS AS IDENTITY,  -- join order (SQLite's rowid)
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX participants_by_user ON participants (user_id, conversation_id);
CREATE TABLE messages (
  id              TEXT COLLATE "C" PRIMARY KEY,
  conversation_id TEXT COLLATE "C" NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq             BIGINT NOT NULL,
  sender_id       TEXT NOT NULL,
  content         TEXT NOT NULL,
  attachments     TEXT NOT NULL DEFAULT '[]',
  reply_to        TEXT,
  metadata        TEXT NOT NULL DEFAULT '{}',
  is_edited       BOOLEAN NOT NULL DEFAULT FALSE,
  is_deleted      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  deleted_at      BIGINT,
  UNIQUE (conversation_id, seq)
);
)sql";

constexpr std::string_view v2_activity_index = R"sql(
CREATE INDEX conversations_by_activity
  ON conversations ((COALESCE(last_message_at, created_at)) DESC, id DESC);
)sql";

// Read state (contract §8) as counters, the same as SQLite's v3 (see there):
//   unreadCount = live_count - live_through_read - own_live_after_read
constexpr std::string_view v3_read_state = R"sql(
ALTER TABLE conversations ADD COLUMN live_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN last_read_seq BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN live_through_read BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN own_live_after_read BIGINT NOT NULL DEFAULT 0;
UPDATE conversations c SET live_count = (SELECT COUNT(*) FROM messages m
  WHERE m.conversation_id = c.id AND NOT m.is_deleted);
UPDATE participants p SET own_live_after_read = (SELECT COUNT(*) FROM messages m
  WHERE m.conversation_id = p.conversation_id AND m.sender_id = p.user_id AND NOT m.is_deleted);
)sql";

// Reactions live with their message (contract §8: part of every message object), as JSON text
// [{"emoji", "userIds"}] in order of first use. v3 is the read state.
constexpr std::string_view v4_reactions = R"sql(
ALTER TABLE messages ADD COLUMN reactions TEXT NOT NULL DEFAULT '[]';
)sql";

// Connection state recovery (contract §8): as SQLite's v5; IDENTITY gives the global offset.
constexpr std::string_view v5_recovery = R"sql(
CREATE TABLE recovery_events (
  event_offset       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_conversation TEXT COLLATE "C" NOT NULL,
  event_name         TEXT NOT NULL,
  event_message      TEXT COLLATE "C" NOT NULL,
  event_extra        TEXT NOT NULL DEFAULT '',
  event_at           BIGINT NOT NULL
);
CREATE INDEX recovery_events_by_time ON recovery_events (event_at);
CREATE TABLE recovery_sessions (
  pid          TEXT COLLATE "C" PRIMARY KEY,
  socket_id    TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  owner        TEXT NOT NULL,
  start_offset BIGINT NOT NULL,
  expires_at   BIGINT,
  updated_at   BIGINT NOT NULL
);
)sql";

// Every message insert proves its conversation exists in the same statement (it bumps that
// row's seq counter first, and inserts only when the bump found the row), and conversations are
// never deleted, so the foreign key only repeated that check through a trigger on each insert:
// 7-13 us of PostgreSQL CPU per message in the `pairs` benchmark (docs/storage.md).
constexpr std::string_view v6_messages_without_fk = R"sql(
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_conversation_id_fkey;
)sql";

constexpr std::array<std::string_view, 6> all_migrations{
    v1_initial_schema, v2_activity_index, v3_read_state,
    v4_reactions,      v5_recovery,       v6_messages_without_fk};

// pg_advisory_xact_lock key: "chatgate" in ASCII, shared by every chatgate build.
constexpr std::int64_t migration_lock_key = 0x6368617467617465;

}  // namespace

std::span<const std::string_view> migrations() noexcept {
  return all_migrations;
}

void migrate(pg_connection& db) {
  const auto known = static_cast<std::int64_t>(all_migrations.size());
  pg_transaction tx(db);
  db.exec("SELECT pg_advisory_xact_lock(" + std::to_string(migration_lock_key) + ")");
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_at BIGINT NOT NULL)");
  // Read under the lock: another instance may have migrated while we waited for it.
  const auto version =
      db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").int64(0, 0);
  if (version > known)
    throw schema_too_new("database schema version " + std::to_string(version) +
                         " is newer than this build knows (" + std::to_string(known) +
                         "); upgrade chatgate");
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  for (auto v = version; v < known; ++v) {
    db.exec(all_migrations[static_cast<std::size_t>(v)]);
    db.query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1::int, $2::bigint)",
             {v + 1, static_cast<std::int64_t>(now)});
  }
  tx.commit();  // DDL is transactional: all of it, or none
}

}  // namespace chatgate::store::postgres
