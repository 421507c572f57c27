#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/model.hpp"
#include "store/reaction_list.hpp"

namespace chatgate::store {

/// Cursor for "latest activity first" conversation listing: (activity time, id) of the last item.
struct conversation_cursor {
  core::sys_time_ms activity{};
  std::string id;
};

/// Which slice of a conversation's messages to read, by seq (contract §3: never clock time).
struct message_range {
  std::optional<std::int64_t> before_seq;  // strictly less than; newest first when set or when
                                           // neither bound is set
  std::optional<std::int64_t> after_seq;   // strictly greater than; oldest first
  int limit = 50;
};

/// What insert_message_checked found.
enum class send_check { stored, not_participant, bad_reply };

/// insert_message_checked's answer: `message` is the stored message when `outcome` is stored.
struct checked_insert {
  send_check outcome = send_check::stored;
  message stored;
};

/// react()'s answer: `current` is the message after the call (also when unchanged or too_many);
/// `found` is false when the message does not exist or is deleted (nothing written).
struct reacted {
  bool found = true;
  reaction_outcome outcome = reaction_outcome::unchanged;
  message current;
};

/// Persistence used by chat/. Implementations: sqlite/ (embedded default), postgres/ (shared by
/// instances). Every call is synchronous and blocking, so it runs on a store worker
/// (store/worker_pool), never on an io thread; each worker has its own instance (connection).
/// Failures of the database itself come back as core::error_code::internal_error, "not there"
/// as std::nullopt.
class store {
 public:
  virtual ~store() = default;

  /// Inserts a new conversation with its participants.
  virtual core::result<conversation> create_conversation(const conversation& c) = 0;
  /// For a direct conversation: returns the existing one of that pair if there is one (then
  /// `created` is false), else inserts `c`. Atomic: two racing calls yield one conversation.
  virtual core::result<std::pair<conversation, bool>> create_direct_conversation(
      const conversation& c) = 0;
  virtual core::result<std::optional<conversation>> get_conversation(std::string_view id) = 0;
  /// The user's conversations, latest activity (last message, else creation) first.
  virtual core::result<std::vector<conversation>> list_conversations(
      std::string_view user_id, int limit, const std::optional<conversation_cursor>& after) = 0;
  virtual core::result<std::vector<std::string>> conversation_ids_for_user(
      std::string_view user_id) = 0;
  /// The participant record, or nullopt when the user is not in the conversation (or it does not
  /// exist).
  virtual core::result<std::optional<participant>> find_participant(
      std::string_view conversation_id, std::string_view user_id) = 0;
  /// Sets name and/or metadata (nullopt leaves a field as it is) and updated_at.
  virtual core::result<std::optional<conversation>> update_conversation(
      std::string_view id, const std::optional<std::string>& name,
      const std::optional<boost::json::object>& metadata, core::sys_time_ms now) = 0;
  /// False when the user already was a participant.
  virtual core::result<bool> add_participant(std::string_view conversation_id, const participant& p,
                                             core::sys_time_ms now) = 0;
  /// False when the user was not a participant.
  virtual core::result<bool> remove_participant(std::string_view conversation_id,
                                                std::string_view user_id,
                                                core::sys_time_ms now) = 0;

  /// Inserts `m` (its seq ignored) with the conversation's next seq, in one transaction that also
  /// sets the conversation's last message. Returns the stored message, seq filled in.
  virtual core::result<message> insert_message(const message& m) = 0;
  /// A send in one round trip: inserts `m` as insert_message does, but only when m.sender_id is a
  /// participant of m.conversation_id and m.reply_to (when set) is a message of that
  /// conversation; otherwise writes nothing and says which check failed. Idempotent by m.id (set
  /// by the caller): when that message exists already (a retry after a lost answer), it is
  /// returned as stored and nothing is written, so a retry never stores twice.
  virtual core::result<checked_insert> insert_message_checked(const message& m) = 0;
  /// Several sends of one group commit: insert_message_checked for each, in order, one answer
  /// each. PostgreSQL sends them in one pipeline inside the batch's transaction (one round trip
  /// for all); SQLite, in process, runs them one by one.
  virtual std::vector<core::result<checked_insert>> insert_messages_checked(
      std::span<const message> ms) {
    std::vector<core::result<checked_insert>> out;
    out.reserve(ms.size());
    for (const auto& m : ms) out.push_back(insert_message_checked(m));
    return out;
  }
  virtual core::result<std::optional<message>> get_message(std::string_view id) = 0;
  virtual core::result<std::optional<message>> edit_message(std::string_view id,
                                                            std::string_view content,
                                                            core::sys_time_ms now) = 0;
  /// Soft delete: keeps id and seq, clears content and attachments, sets is_deleted/deleted_at.
  virtual core::result<std::optional<message>> delete_message(std::string_view id,
                                                              core::sys_time_ms now) = 0;
  virtual core::result<std::vector<message>> list_messages(std::string_view conversation_id,
                                                           const message_range& range) = 0;
  /// Adds or removes `user_id`'s `emoji` on a message (not a deleted one) with apply_reaction, in
  /// one transaction that holds the message row from read to write, so concurrent reactions on
  /// every instance are all kept. Writes only when the list changed; updated_at stays.
  virtual core::result<reacted> react(std::string_view message_id, std::string_view user_id,
                                      std::string_view emoji, reaction_action action,
                                      std::size_t max_distinct) = 0;

  /// For /ready: true when the database answers.
  virtual bool ping() = 0;

  /// Group commit (store workers only, on the thread that uses this store): the calls made
  /// between begin_batch() and end_batch() commit together, once. False when the backend does
  /// not batch (then end_batch() is not called). end_batch() fails when that one commit fails:
  /// then none of the batch's changes were kept.
  virtual bool begin_batch() { return false; }
  virtual core::result<void> end_batch() { return {}; }
};

}  // namespace chatgate::store
