#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "chat/chat_service.hpp"
#include "chat/posting_events.hpp"
#include "chat/runner.hpp"

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

  async_chat(runner& r, poster back) : runner_(r), back_(std::move(back)) {}

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
  void delete_message(std::string user, std::string message_id, callback<store::message> done);
  /// messages:sync with the socket payload {conversationId, lastMessageId?, lastSeq?, limit?}.
  void sync(std::string user, boost::json::value payload, callback<sync_result> done);

  /// Reactions (contract §8), keyed by the message like edits: POST/DELETE
  /// /messages/{id}/reactions (REST: id and emoji from the path, or the body {emoji}) and
  /// message:react / message:unreact (socket payload {messageId, emoji}).
  void add_reaction(std::string user, std::string message_id, boost::json::value body,
                    callback<store::message> done);
  void remove_reaction(std::string user, std::string message_id, std::string emoji,
                       callback<store::message> done);
  void react(std::string user, boost::json::value payload, store::reaction_action action,
             callback<store::message> done);

 private:
  /// Submits `f(chat_service&) -> core::result<T>` and posts its answer to `done`.
  template <class T, class F>
  void run(runner::access a, const std::string& key, F f, callback<T> done);
  /// Submits `f(chat_service&, answer)`, which answers later through `answer` (a send that a
  /// group commit defers to its flush), and posts that answer to `done`.
  template <class T, class F>
  void run_deferred(runner::access a, const std::string& key, F f, callback<T> done);

  runner& runner_;
  poster back_;
};

}  // namespace chatgate::chat
