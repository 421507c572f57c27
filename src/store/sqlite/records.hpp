#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "store/model.hpp"
#include "store/sqlite/statement.hpp"

namespace chatgate::store::sqlite {

/// Column lists and row <-> record conversions shared by sqlite_store's queries.

/// Selected as "SELECT <message_columns> FROM messages ...", read with read_message().
inline constexpr std::string_view message_columns =
    "id, conversation_id, seq, sender_id, content, attachments, reply_to, metadata, is_edited, "
    "is_deleted, created_at, updated_at, deleted_at";
/// Selected as "SELECT <conversation_columns> FROM conversations c ...", read with
/// read_conversation() (participants and last message are loaded separately).
inline constexpr std::string_view conversation_columns =
    "c.id, c.type, c.name, c.created_by, c.metadata, c.last_message_id, c.last_message_at, "
    "c.created_at, c.updated_at";

message read_message(const statement& row);
/// Fills every field but participants and last_message; returns last_message_id in `last_id`.
conversation read_conversation(const statement& row, std::optional<std::string>& last_id);

std::string to_text(const boost::json::object& object);
boost::json::object object_from_text(std::string_view text);
std::string attachments_to_text(const std::vector<attachment>& attachments);
std::vector<attachment> attachments_from_text(std::string_view text);

std::string_view to_text(conversation_type type) noexcept;
std::string_view to_text(participant_role role) noexcept;
participant_role role_from_text(std::string_view text) noexcept;

std::int64_t to_ms(core::sys_time_ms t) noexcept;
core::sys_time_ms from_ms(std::int64_t ms) noexcept;

/// The unique key of a direct conversation: its distinct user ids, sorted, as a JSON array
/// (unambiguous whatever characters the ids hold).
std::string direct_key(const std::vector<participant>& participants);

}  // namespace chatgate::store::sqlite
