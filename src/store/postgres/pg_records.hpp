#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "store/model.hpp"
#include "store/postgres/pg_connection.hpp"

namespace chatgate::store::postgres {

/// Column lists and row -> record conversions shared by pg_store's queries. JSON text, enum
/// names and the direct key are the SQLite store's (store/sqlite/records.hpp), so both
/// backends hold the same values.

/// Selected as "SELECT <message_columns> FROM messages ...", read with read_message().
inline constexpr std::string_view message_columns =
    "id, conversation_id, seq, sender_id, content, attachments, reply_to, metadata, is_edited, "
    "is_deleted, created_at, updated_at, deleted_at";
/// Selected as "SELECT <conversation_columns> FROM conversations c ...", read with
/// read_conversation() (participants and last message are loaded separately).
inline constexpr std::string_view conversation_columns =
    "c.id, c.type, c.name, c.created_by, c.metadata, c.last_message_id, c.last_message_at, "
    "c.created_at, c.updated_at";

message read_message(const pg_result& r, int row);
/// Fills every field but participants and last_message; returns last_message_id in `last_id`.
conversation read_conversation(const pg_result& r, int row, std::optional<std::string>& last_id);

}  // namespace chatgate::store::postgres
