#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "chat/chat_service.hpp"
#include "chat/posting_events.hpp"
#include "chat/runner.hpp"
#include "chat/shared_rate_limit.hpp"

namespace chatgate::chat {

/// chat_service for code on an io thread: each call runs on a store worker (through a runner)
/// and its answer is posted back with `back`, so nothing here blocks. Arguments are copied: the
/// caller's buffers may be gone by the time the call runs. Answers arrive in the order of the
/// calls for calls with the same key (conversation, message or user), and a call's events reach
/// the gateway before its answer. A call that waited past the store timeout, or that the runner
/// refused (overloaded), answers INTERNAL_ERROR and never runs, so nothing unstored is acked.
/// The callback always runs on `back`'s thread, never inside the call.
class async_chat {
 public:
  template <class T>
  using callback = std::function<void(core::result<T>)>;

  /// `later`, when given, schedules a closure on the calling (io) thread after what it is
  /// running now: the calls made until then are handed to the runner together
  /// (runner::submit_all). A sender's messages read in one pass of the loop then reach the
  /// store worker at once and share one group commit, instead of the worker waking at the first
  /// and committing it alone. Without it each call is submitted at once.
  async_chat(runner& r, poster back, poster later = nullptr)
      : runner_(r), back_(std::move(back)), later_(std::move(later)) {}

  /// With REDIS_URL: sends are counted against RATE_LIMIT over every instance first (a refusal
  /// answers RATE_LIMITED without reaching the store; a send counted and then not stored is given
  /// back). The per-instance limiter in chat_service still applies after it, and alone when the
  /// shared count cannot answer. Null (the default): per instance only. Set before any call.
  void set_shared_limit(shared_rate_limit* limit) { shared_limit_ = limit; }

  void create_conversation(std::string user, boost::json::value body,
                           callback<created_conversation> done);
  void get_conversation(std::string user, std::string conversation_id,
                        callback<store::conversation> done);
  void list_conversations(std::string user, std::optional<std::int64_t> limit,
                          std::optional<std::string> before,
                          callback<page<store::conversation>> done);
  void update_conversation(std::string user, std::string conversation_id, boost::json::value body,
                           callback<store::conversation> done);
  void add_participant(std::string user, std::string conversation_id, boost::json::value body,
                       callback<store::conversation> done);
  void remove_participant(std::string user, std::string conversation_id, std::string target,
                          callback<store::conversation> done);
  void leave(std::string user, std::string conversation_id, callback<void> done);
  void conversation_ids_for_user(std::string user, callback<std::vector<std::string>> done);
  void check_participant(std::string user, std::string conversation_id, callback<void> done);

  void send_message(std::string user, std::string conversation_id, boost::json::value body,
                    callback<store::message> done);
  void get_message(std::string user, std::string message_id, callback<store::message> done);
  void list_messages(std::string user, std::string conversation_id, message_query query,
                     callback<page<store::message>> done);
  void edit_message(std::string user, std::string message_id, boost::json::value body,
                    callback<store::message> done);
  /// Two steps: the message's conversation is looked up (a read), then the deletion runs on that
  /// conversation's worker, beside its sends and reads (it moves read-state counters, and so
  /// takes the conversation row's lock: one worker per conversation never waits on another).
  void delete_message(std::string user, std::string message_id, callback<store::message> done);
  /// messages:sync with the socket payload {conversationId, lastMessageId?, lastSeq?, limit?}.
  void sync(std::string user, boost::json::value payload, callback<sync_result> done);
  /// POST /conversations/{id}/read {seq} (contract §8).
  void mark_read(std::string user, std::string conversation_id, boost::json::value body,
                 callback<store::read_state> done);
  /// conversation:read with the socket payload {conversationId, seq}.
  void mark_read(std::string user, boost::json::value payload, callback<store::read_state> done);

  /// Reactions (contract §8), keyed by the message like edits: POST/DELETE
  /// /messages/{id}/reactions (REST: id and emoji from the path, or the body {emoji}) and
  /// message:react / message:unreact (socket payload {messageId, emoji}).
  void add_reaction(std::string user, std::string message_id, boost::json::value body,
                    callback<store::message> done);
  void remove_reaction(std::string user, std::string message_id, std::string emoji,
                       callback<store::message> done);
  void react(std::string user, boost::json::value payload, store::reaction_action action,
             callback<store::message> done);

  // Connection state recovery (chat_service's recovery calls). Writes, keyed by pid: on SQLite
  // they run on the writer, after every change whose events reached the io thread before them.
  void find_recovery_session(store::recovery_claim claim,
                             callback<std::optional<store::recovered_state>> done);
  void open_recovery_session(store::recovery_session s, callback<void> done);
  void close_recovery_session(std::string pid, std::string owner, bool recoverable,
                              callback<void> done);
  void prune_recovery(callback<void> done);

 private:
  /// Submits `f(chat_service&) -> core::result<T>` and posts its answer to `done`.
  template <class T, class F>
  void run(runner::access a, const std::string& key, F f, callback<T> done);
  /// Submits `f(chat_service&, answer)`, which answers later through `answer` (a send that a
  /// group commit defers to its flush), and posts that answer to `done`.
  template <class T, class F>
  void run_deferred(runner::access a, const std::string& key, F f, callback<T> done);

  void submit_send(std::string user, std::string conversation_id, boost::json::value body,
                   callback<store::message> done);

  /// Submits now, or (with `later_`) with the other calls of this loop pass; `refused` runs
  /// when the runner refuses it.
  void submit(runner::access a, const std::string& key, runner::task t, runner::expired e,
              std::function<void()> refused);
  void submit_pending();

  struct pending_call {
    runner::call call;
    std::function<void()> refused;
  };

  runner& runner_;
  poster back_;
  poster later_;
  std::vector<pending_call> pending_;  // io thread only; handed over by submit_pending()
  std::vector<pending_call> handing_;  // submit_pending()'s, kept for its capacity
  std::vector<runner::call> calls_;    // likewise
  shared_rate_limit* shared_limit_ = nullptr;
};

}  // namespace chatgate::chat
