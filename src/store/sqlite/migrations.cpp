#include "store/sqlite/migrations.hpp"

#include <array>
#include <string>

#include <sqlite3.h>

namespace chatgate::store::sqlite {
namespace {

// Times are INTEGER milliseconds since the epoch; JSON (metadata, attachments) is TEXT.
constexpr std::string_view v1_initial_schema = R"sql(
CREATE TABLE conversations (
  id              TEXT PRIMARY KEY,
  type            TEXT NOT NULL CHECK (type IN ('direct', 'group')),
  name            TEXT,
  created_by      TEXT NOT NULL,
  metadata        TEXT NOT NULL DEFAULT '{}',
  direct_key      TEXT UNIQUE,              -- direct only: the sorted participant pair
  last_seq        INTEGER NOT NULL DEFAULT 0,  -- seq of the newest message: the seq counter
  last_message_id TEXT,
  last_message_at INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE TABLE participants (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id         TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  joined_at       INTEGER NOT NULL,
  UNIQUE (conversation_id, user_id)
);
CREATE INDEX participants_by_user ON participants (user_id, conversation_id);
CREATE TABLE messages (
  id              TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,
  sender_id       TEXT NOT NULL,
  content         TEXT NOT NULL,
  attachments     TEXT NOT NULL DEFAULT '[]',
  reply_to        TEXT,
  metadata        TEXT NOT NULL DEFAULT '{}',
  is_edited       INTEGER NOT NULL DEFAULT 0,
  is_deleted      INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  deleted_at      INTEGER,
  UNIQUE (conversation_id, seq)
);
)sql";

// Conversation lists sort by latest activity: let SQLite walk this index instead of sorting.
constexpr std::string_view v2_activity_index = R"sql(
CREATE INDEX conversations_by_activity
  ON conversations (COALESCE(last_message_at, created_at) DESC, id DESC);
)sql";

// Read state (contract §8) as counters, so that an unread count is arithmetic, never a count
// over messages (docs/storage.md#read-state):
//   unreadCount = live_count - live_through_read - own_live_after_read
// live_count: the conversation's messages not deleted (sends add 1, deletions take 1);
// live_through_read: those with seq <= the participant's last_read_seq (moved by a read, taken
// down by deleting one of them); own_live_after_read: the participant's own messages, not
// deleted, after last_read_seq (their sends add 1). Existing rows start unread from 0.
constexpr std::string_view v3_read_state = R"sql(
ALTER TABLE conversations ADD COLUMN live_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN last_read_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN live_through_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN own_live_after_read INTEGER NOT NULL DEFAULT 0;
UPDATE conversations SET live_count = (SELECT COUNT(*) FROM messages m
  WHERE m.conversation_id = conversations.id AND m.is_deleted = 0);
UPDATE participants SET own_live_after_read = (SELECT COUNT(*) FROM messages m
  WHERE m.conversation_id = participants.conversation_id
    AND m.sender_id = participants.user_id AND m.is_deleted = 0);
)sql";

// Reactions live with their message (contract §8: part of every message object), as JSON text
// [{"emoji", "userIds"}] in order of first use. v3 is the read state.
constexpr std::string_view v4_reactions = R"sql(
ALTER TABLE messages ADD COLUMN reactions TEXT NOT NULL DEFAULT '[]';
)sql";

// Connection state recovery (contract §8): the replayable events of conversations, one global
// offset (AUTOINCREMENT: never reused after a prune), and the sessions (pid -> socket id, user;
// expires_at NULL while a socket holds it).
constexpr std::string_view v5_recovery = R"sql(
CREATE TABLE recovery_events (
  event_offset       INTEGER PRIMARY KEY AUTOINCREMENT,
  event_conversation TEXT NOT NULL,
  event_name         TEXT NOT NULL,
  event_message      TEXT NOT NULL,
  event_extra        TEXT NOT NULL DEFAULT '',
  event_at           INTEGER NOT NULL
);
CREATE INDEX recovery_events_by_time ON recovery_events (event_at);
CREATE TABLE recovery_sessions (
  pid          TEXT PRIMARY KEY,
  socket_id    TEXT NOT NULL,
  user_id      TEXT NOT NULL,
  owner        TEXT NOT NULL,
  start_offset INTEGER NOT NULL,
  expires_at   INTEGER,
  updated_at   INTEGER NOT NULL
);
)sql";

constexpr std::array<std::string_view, 5> all_migrations{
    v1_initial_schema, v2_activity_index, v3_read_state, v4_reactions, v5_recovery};

}  // namespace

std::span<const std::string_view> migrations() noexcept {
  return all_migrations;
}

void migrate(connection& db) {
  const auto known = static_cast<std::int64_t>(all_migrations.size());
  for (;;) {
    transaction tx(db);
    // Read inside the write lock: another process may have migrated since we looked.
    const std::int64_t version = db.query_int("PRAGMA user_version");
    if (version > known)
      throw sqlite_error(SQLITE_ERROR, "database schema version " + std::to_string(version) +
                                           " is newer than this build knows (" +
                                           std::to_string(known) + "); upgrade chatgate");
    if (version == known) return;  // the transaction rolls back: nothing was written
    db.exec(all_migrations[static_cast<std::size_t>(version)]);
    db.exec("PRAGMA user_version = " + std::to_string(version + 1));
    tx.commit();
  }
}

}  // namespace chatgate::store::sqlite
