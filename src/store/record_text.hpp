#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "store/model.hpp"

namespace chatgate::store {

/// How records are held in table columns, shared by the SQLite and PostgreSQL stores so that both
/// backends hold the same values: column lists and positions, JSON text, enum names, times as
/// milliseconds since the epoch, the direct-conversation key.

/// Selected as "SELECT <message_columns> FROM messages ...", read with the backend's
/// read_message().
inline constexpr std::string_view message_columns =
    "id, conversation_id, seq, sender_id, content, attachments, reply_to, metadata, is_edited, "
    "is_deleted, created_at, updated_at, deleted_at, reactions";
/// Selected as "SELECT <conversation_columns> FROM conversations c ...", read with the backend's
/// read_conversation() (participants and last message are loaded separately).
inline constexpr std::string_view conversation_columns =
    "c.id, c.type, c.name, c.created_by, c.metadata, c.last_message_id, c.last_message_at, "
    "c.created_at, c.updated_at";

/// A participant with its read state (contract §8), followed by " WHERE p.conversation_id = ...";
/// read with the backend's read_participant(). The unread count is arithmetic on counters
/// (formula: sqlite/migrations.cpp v3), never a count over messages.
inline constexpr std::string_view participant_select =
    "SELECT p.user_id, p.role, p.joined_at, p.last_read_seq, "
    "c.live_count - p.live_through_read - p.own_live_after_read "
    "FROM participants p JOIN conversations c ON c.id = p.conversation_id";

/// Column positions in message_columns / conversation_columns.
namespace column {
enum message_col {
  m_id,
  m_conv,
  m_seq,
  m_sender,
  m_content,
  m_att,
  m_reply,
  m_meta,
  m_edited,
  m_deleted,
  m_created,
  m_updated,
  m_deleted_at,
  m_reactions
};
enum conversation_col {
  c_id,
  c_type,
  c_name,
  c_created_by,
  c_meta,
  c_last_id,
  c_last_at,
  c_created,
  c_updated
};
}  // namespace column

std::string to_text(const boost::json::object& object);
boost::json::object object_from_text(std::string_view text);
std::string attachments_to_text(const std::vector<attachment>& attachments);
std::vector<attachment> attachments_from_text(std::string_view text);
/// Reactions as `[{"emoji", "userIds"}]` (count is userIds' length).
std::string reactions_to_text(const std::vector<reaction>& reactions);
std::vector<reaction> reactions_from_text(std::string_view text);

std::string_view to_text(conversation_type type) noexcept;
std::string_view to_text(participant_role role) noexcept;
participant_role role_from_text(std::string_view text) noexcept;

std::int64_t to_ms(core::sys_time_ms t) noexcept;
core::sys_time_ms from_ms(std::int64_t ms) noexcept;

/// The unique key of a direct conversation: its distinct user ids, sorted, as a JSON array
/// (unambiguous whatever characters the ids hold).
std::string direct_key(const std::vector<participant>& participants);

}  // namespace chatgate::store
