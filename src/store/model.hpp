#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.hpp"

namespace chatgate::store {

/// Records as the store keeps them (contract §4). JSON shapes are made in chat/, not here.

enum class conversation_type { direct, group };
enum class participant_role { admin, member };

struct participant {
  std::string user_id;
  participant_role role = participant_role::member;
  core::sys_time_ms joined_at{};
  // Read state (contract §8), as the store computes it from its counters when it loads the
  // participant: the highest seq this user marked read, and the messages after it that are
  // neither the user's own nor deleted.
  std::int64_t last_read_seq = 0;
  std::int64_t unread_count = 0;
};

struct attachment {
  std::string external_file_id;
  std::optional<std::string> label;
};

/// One emoji on a message and who holds it (contract §8), in the order they reacted.
struct reaction {
  std::string emoji;
  std::vector<std::string> user_ids;
};

struct message {
  std::string id;               // 24-hex ObjectId
  std::string conversation_id;  // 24-hex ObjectId
  std::int64_t seq = 0;         // 1, 2, 3 ... per conversation, assigned by the store
  std::string sender_id;
  std::string content;  // empty once deleted
  std::vector<attachment> attachments;
  std::optional<std::string> reply_to;
  boost::json::object metadata;
  bool is_edited = false;
  bool is_deleted = false;
  core::sys_time_ms created_at{};
  core::sys_time_ms updated_at{};
  std::optional<core::sys_time_ms> deleted_at;
  std::vector<reaction> reactions;  // ordered by first use; an emoji nobody holds is not here
  // Not stored: the recovery log offset of the event that reports this state (contract §8), set
  // by chat_service when RECOVERY_WINDOW_MS > 0; 0 when the event is not logged.
  std::int64_t event_offset = 0;
};

/// One user's read state in one conversation (contract §8 `conversation:read`).
struct read_state {
  std::string conversation_id;
  std::string user_id;
  std::int64_t last_read_seq = 0;
  std::int64_t unread_count = 0;
};

struct conversation {
  std::string id;
  conversation_type type = conversation_type::group;
  std::optional<std::string> name;
  std::string created_by;
  std::vector<participant> participants;  // in join order
  boost::json::object metadata;
  std::optional<message> last_message;
  std::optional<core::sys_time_ms> last_message_at;
  core::sys_time_ms created_at{};
  core::sys_time_ms updated_at{};
};

}  // namespace chatgate::store
