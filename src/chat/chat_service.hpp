#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "chat/events.hpp"
#include "chat/rate_limiter.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "store/store.hpp"

namespace chatgate::chat {

/// Limits of the chat rules (contract §4); RATE_LIMIT lives in rate_limiter.
struct chat_settings {
  std::size_t max_group_size = 1000;  // MAX_GROUP_SIZE: participants of a group, creator included
  // RECOVERY_WINDOW_MS: when > 0, message events are logged for connection state recovery
  // (store::recovery_log) and events and sessions older than this are pruned. 0: off.
  std::chrono::milliseconds recovery_window{0};
};

/// create_conversation's answer: `created` false when an existing direct conversation of the pair
/// is returned (REST answers 200 instead of 201).
struct created_conversation {
  store::conversation conversation;
  bool created = true;
};

/// One page of a listing; `next_cursor` is what to pass as `before` (or `after`) for the next
/// page, absent on the last page.
template <class T>
struct page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

/// messages:sync's answer (contract §6).
struct sync_result {
  std::vector<store::message> messages;  // seq order, current state (edits, deletions)
  bool has_more = false;
};

/// Where a sync starts: lastMessageId wins over lastSeq; neither means from the start.
struct sync_request {
  std::optional<std::string> last_message_id;
  std::optional<std::int64_t> last_seq;
  std::optional<std::int64_t> limit;  // default 100, 1..1000
};

/// Message listing parameters as REST receives them (contract §5): ids of messages, limit 1..100.
struct message_query {
  std::optional<std::string> before;
  std::optional<std::string> after;
  std::optional<std::int64_t> limit;  // default 50
};

/// The rules of conversations and messages (contract §4-5), shared by REST and the socket gateway.
/// No I/O besides the store; called on the io thread. Every method takes the caller's user id as
/// authenticated by auth::verifier, and request bodies as parsed JSON so that REST and sockets
/// share one validation (wrong type, missing field, bad id -> VALIDATION_ERROR naming the field;
/// unknown fields are ignored). Reads of a conversation the caller is not in answer NOT_FOUND;
/// writes answer FORBIDDEN (contract §5). Every successful change is reported to `events` after
/// the store accepted it.
class chat_service {
 public:
  chat_service(store::store& store, const core::clock& clock, rate_limiter& limiter,
               chat_settings settings = {}, events* sink = nullptr);

  /// Replaces the event sink (the gateway is built after the service). nullptr: no events.
  void set_events(events* sink);

  // --- conversations -------------------------------------------------------------------------
  /// POST /conversations body {type, participantIds, name?, metadata?}.
  core::result<created_conversation> create_conversation(std::string_view user,
                                                         const boost::json::value& body);
  /// GET /conversations/{id}: NOT_FOUND unless the caller is a participant.
  core::result<store::conversation> get_conversation(std::string_view user,
                                                     std::string_view conversation_id);
  /// GET /conversations?limit=&before=: latest activity first; limit 1..100 (default 20).
  core::result<page<store::conversation>> list_conversations(
      std::string_view user, std::optional<std::int64_t> limit,
      const std::optional<std::string>& before);
  /// PATCH /conversations/{id} {name?, metadata?}: group admin only.
  core::result<store::conversation> update_conversation(std::string_view user,
                                                        std::string_view conversation_id,
                                                        const boost::json::value& body);
  /// POST /conversations/{id}/participants {userId, role?}: group admin only.
  core::result<store::conversation> add_participant(std::string_view user,
                                                    std::string_view conversation_id,
                                                    const boost::json::value& body);
  /// DELETE /conversations/{id}/participants/{userId}: group admin only.
  core::result<store::conversation> remove_participant(std::string_view user,
                                                       std::string_view conversation_id,
                                                       std::string_view target_user);
  /// POST /conversations/{id}/leave: any participant of a group.
  core::result<void> leave(std::string_view user, std::string_view conversation_id);
  /// Ids of every conversation the user is in (socket connect: join their rooms).
  core::result<std::vector<std::string>> conversation_ids_for_user(std::string_view user);
  /// room:join / messages:sync: FORBIDDEN when not a participant, whether or not the
  /// conversation exists; VALIDATION_ERROR for a malformed id.
  core::result<void> check_participant(std::string_view user, std::string_view conversation_id);

  // --- messages ------------------------------------------------------------------------------
  /// POST /conversations/{id}/messages and message:send: body {content, attachments?, replyTo?,
  /// metadata?} (a conversationId field in the body is ignored here). Rate limited.
  core::result<store::message> send_message(std::string_view user, std::string_view conversation_id,
                                            const boost::json::value& body);
  /// The same send, answered through `done`: at once, or, while sends are deferred (a group
  /// commit), at the next flush_sends(), where the batch's sends go to the store together
  /// (PostgreSQL: one pipeline, one round trip). Validation and the rate limit run at once.
  using send_done = std::function<void(core::result<store::message>)>;
  void send_message(std::string_view user, std::string_view conversation_id,
                    const boost::json::value& body, send_done done);
  /// Group commit (pooled_runner): while on, send_message(…, done) queues its insert. The
  /// runner flushes before any other call runs and before the batch commits, so every call
  /// still sees the store as if the calls had run one by one, in order.
  void defer_sends(bool on) { defer_sends_ = on; }
  /// Inserts the queued sends, reports their events, then answers them, each in order.
  void flush_sends();
  /// GET /messages/{id}: NOT_FOUND unless the caller is a participant of its conversation.
  core::result<store::message> get_message(std::string_view user, std::string_view message_id);
  /// GET /conversations/{id}/messages.
  core::result<page<store::message>> list_messages(std::string_view user,
                                                   std::string_view conversation_id,
                                                   const message_query& query);
  /// PATCH /messages/{id} and message:edit: body {content}; the sender only.
  core::result<store::message> edit_message(std::string_view user, std::string_view message_id,
                                            const boost::json::value& body);
  /// DELETE /messages/{id} and message:delete: the sender or a group admin. Returns the deleted
  /// state.
  core::result<store::message> delete_message(std::string_view user, std::string_view message_id);
  /// messages:sync: FORBIDDEN when not a participant.
  core::result<sync_result> sync(std::string_view user, std::string_view conversation_id,
                                 const sync_request& request);
  /// messages:sync with the socket payload {conversationId, lastMessageId?, lastSeq?, limit?}.
  core::result<sync_result> sync(std::string_view user, const boost::json::value& payload);

  // --- read state (contract §8; chat_service_reads.cpp) ---------------------------------------
  /// POST /conversations/{id}/read {seq}: seq an integer >= 0 (VALIDATION_ERROR naming it);
  /// FORBIDDEN unless a participant. lastReadSeq never goes back and is capped at the
  /// conversation's last seq. Every accepted call reports events::conversation_read.
  core::result<store::read_state> mark_read(std::string_view user, std::string_view conversation_id,
                                            const boost::json::value& body);
  /// The conversation of a message the caller may see (NOT_FOUND otherwise): async_chat runs a
  /// deletion on that conversation's worker, which owns its read-state counters.
  core::result<std::string> message_conversation(std::string_view user,
                                                 std::string_view message_id);
  /// conversation:read with the socket payload {conversationId, seq}.
  core::result<store::read_state> mark_read(std::string_view user,
                                            const boost::json::value& payload);
  // --- reactions (chat_service_reactions.cpp, contract §8) -----------------------------------
  /// Adds or removes the caller's `emoji` (checked with emoji_problem) on a message. NOT_FOUND
  /// when the message does not exist, is deleted, or is in a conversation the caller is not in
  /// (contract §8 "Outsiders"); VALIDATION_ERROR naming `emoji` past reaction_limits::
  /// distinct_max. A repeat or a removal of what the caller does not hold answers the message
  /// unchanged, with no event; a change reports events::message_reaction.
  core::result<store::message> react(std::string_view user, std::string_view message_id,
                                     std::string_view emoji, store::reaction_action action);
  /// POST /messages/{id}/reactions with body {emoji}.
  core::result<store::message> add_reaction(std::string_view user, std::string_view message_id,
                                            const boost::json::value& body);
  /// message:react / message:unreact with the socket payload {messageId, emoji}.
  core::result<store::message> react(std::string_view user, const boost::json::value& payload,
                                     store::reaction_action action);

  /// Reads a required id field of a socket payload (e.g. "conversationId", "messageId"):
  /// VALIDATION_ERROR naming it when missing, not a string or not a 24-hex id.
  static core::result<std::string> read_id(const boost::json::value& payload,
                                           std::string_view field);

  // --- connection state recovery (chat_service_recovery.cpp) ---------------------------------
  /// The session a reconnecting socket names, with the events it missed (store::recovery_log).
  core::result<std::optional<store::recovered_state>> find_recovery_session(
      const store::recovery_claim& claim);
  core::result<void> open_recovery_session(const store::recovery_session& s);
  /// The socket holding `pid` as `owner` left: the session lasts the recovery window from now
  /// (`recoverable`), or ends now.
  core::result<void> close_recovery_session(std::string_view pid, std::string_view owner,
                                            bool recoverable);
  /// Deletes what is past the recovery window (and live sessions untouched for a day).
  core::result<void> prune_recovery();

 private:
  /// A conversation and the caller's place in it.
  struct access {
    store::conversation conversation;
    store::participant me;
  };
  core::result<access> load_access(std::string_view user, std::string_view conversation_id,
                                   core::error_code when_absent);
  /// Logs event `name` about `m` when recovery is on, setting m.event_offset; a failure to log
  /// is logged and leaves the event without offset (it is then not replayed).
  void log_event(std::string_view name, store::message& m, std::string_view extra = {});
  core::result<store::message> load_message_for(std::string_view user, std::string_view message_id,
                                                core::error_code when_absent);

  /// A send validated and rate-limited, not yet stored.
  struct pending_send {
    store::message message;
    send_done done;
  };
  /// Validation, rate limit and the message to insert.
  core::result<store::message> prepare_send(std::string_view user, std::string_view conversation_id,
                                            const boost::json::value& body);
  /// The store's answer to a prepared send: refund, errors, the event.
  core::result<store::message> finish_send(const store::message& sent,
                                           core::result<store::checked_insert> stored);

  store::store& store_;
  const core::clock& clock_;
  rate_limiter& limiter_;
  chat_settings settings_;
  null_events null_events_;
  events* events_;
  bool defer_sends_ = false;
  std::vector<pending_send> pending_sends_;
};

}  // namespace chatgate::chat
