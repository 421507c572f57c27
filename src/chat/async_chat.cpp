#include "chat/async_chat.hpp"

#include "chat/body_reader.hpp"
#include "chat/held_answers.hpp"

#include <exception>
#include <memory>
#include <string>

namespace chatgate::chat {

namespace json = boost::json;
using access = runner::access;

namespace {

core::error store_error(const char* what) {
  return core::make_error(core::error_code::internal_error, what);
}

/// Whether chat_service::send_message will get as far as its rate limiter: the same checks, in
/// the same order, so that a bad send answers VALIDATION_ERROR and is never counted.
bool passes_validation(std::string_view conversation_id, const json::value& body) {
  body_reader in(body);
  (void)in.content();
  (void)in.attachments();
  (void)in.id("replyTo", false);
  (void)in.metadata();
  return in.ok() && check_id(conversation_id, "conversationId");
}

}  // namespace

void async_chat::submit(runner::access a, const std::string& key, runner::task t, runner::expired e,
                        std::function<void()> refused) {
  if (!later_) {
    if (!runner_.submit(a, key, std::move(t), std::move(e))) refused();
    return;
  }
  pending_.push_back({runner::call{a, key, std::move(t), std::move(e)}, std::move(refused)});
  if (pending_.size() == 1) later_([this] { submit_pending(); });
}

void async_chat::submit_pending() {
  // The three vectors keep their capacity from pass to pass: a pass of 400 sends built them
  // anew (~55 KB each, grown by doubling), and freeing blocks that size makes glibc consolidate
  // its fast bins (malloc_consolidate was 3 % of the server in `pairs`).
  handing_.swap(pending_);
  calls_.reserve(handing_.size());
  for (auto& p : handing_) calls_.push_back(std::move(p.call));
  runner_.submit_all(calls_);
  for (std::size_t i = 0; i < calls_.size(); ++i) {
    if (!calls_[i].accepted) handing_[i].refused();
  }
  calls_.clear();
  handing_.clear();
}

template <class T, class F>
void async_chat::run(access a, const std::string& key, F f, callback<T> done) {
  // Shared by the task and the expiry: exactly one of them runs (runner's contract).
  auto cb = std::make_shared<callback<T>>(std::move(done));
  auto back = back_;
  auto task = [f = std::move(f), cb, back](chat_service& chat) {
    std::shared_ptr<core::result<T>> answer;
    try {
      answer = std::make_shared<core::result<T>>(f(chat));
    } catch (const std::exception& e) {  // never let one call take a store worker down
      answer = std::make_shared<core::result<T>>(core::make_error(
          core::error_code::internal_error, std::string("unexpected exception: ") + e.what()));
    }
    std::function<void()> ok = [cb, answer] { (*cb)(std::move(*answer)); };
    if (auto* held = held_answers::current())  // group commit: answer once it committed
      held->hold(back, std::move(ok), [cb] { (*cb)(store_error("Store commit failed")); });
    else
      back(std::move(ok));
  };
  auto expired = [cb, back] { back([cb] { (*cb)(store_error("Store did not answer in time")); }); };
  submit(a, key, std::move(task), std::move(expired),
         [cb, back] { back([cb] { (*cb)(store_error("Store overloaded")); }); });
}

template <class T, class F>
void async_chat::run_deferred(access a, const std::string& key, F f, callback<T> done) {
  auto cb = std::make_shared<callback<T>>(std::move(done));
  auto back = back_;
  auto task = [f = std::move(f), cb, back](chat_service& chat) {
    // Runs on the worker, at once or at the batch's flush (still inside the batch: held).
    auto answer_with = [cb, back](core::result<T> r) {
      auto answer = std::make_shared<core::result<T>>(std::move(r));
      std::function<void()> ok = [cb, answer] { (*cb)(std::move(*answer)); };
      if (auto* held = held_answers::current())
        held->hold(back, std::move(ok), [cb] { (*cb)(store_error("Store commit failed")); });
      else
        back(std::move(ok));
    };
    try {
      f(chat, answer_with);
    } catch (const std::exception& e) {  // never let one call take a store worker down
      answer_with(core::make_error(core::error_code::internal_error,
                                   std::string("unexpected exception: ") + e.what()));
    }
  };
  auto expired = [cb, back] { back([cb] { (*cb)(store_error("Store did not answer in time")); }); };
  submit(a, key, std::move(task), std::move(expired),
         [cb, back] { back([cb] { (*cb)(store_error("Store overloaded")); }); });
}

void async_chat::create_conversation(std::string user, json::value body,
                                     callback<created_conversation> done) {
  const auto key = user;
  run<created_conversation>(
      access::write, key,
      [user = std::move(user), body = std::move(body)](chat_service& c) {
        return c.create_conversation(user, body);
      },
      std::move(done));
}

void async_chat::get_conversation(std::string user, std::string id,
                                  callback<store::conversation> done) {
  const auto key = id;
  run<store::conversation>(
      access::read, key,
      [user = std::move(user), id = std::move(id)](chat_service& c) {
        return c.get_conversation(user, id);
      },
      std::move(done));
}

void async_chat::list_conversations(std::string user, std::optional<std::int64_t> limit,
                                    std::optional<std::string> before,
                                    callback<page<store::conversation>> done) {
  const auto key = user;
  run<page<store::conversation>>(
      access::read, key,
      [user = std::move(user), limit, before = std::move(before)](chat_service& c) {
        return c.list_conversations(user, limit, before);
      },
      std::move(done));
}

void async_chat::update_conversation(std::string user, std::string id, json::value body,
                                     callback<store::conversation> done) {
  const auto key = id;
  run<store::conversation>(
      access::write, key,
      [user = std::move(user), id = std::move(id), body = std::move(body)](chat_service& c) {
        return c.update_conversation(user, id, body);
      },
      std::move(done));
}

void async_chat::add_participant(std::string user, std::string id, json::value body,
                                 callback<store::conversation> done) {
  const auto key = id;
  run<store::conversation>(
      access::write, key,
      [user = std::move(user), id = std::move(id), body = std::move(body)](chat_service& c) {
        return c.add_participant(user, id, body);
      },
      std::move(done));
}

void async_chat::remove_participant(std::string user, std::string id, std::string target,
                                    callback<store::conversation> done) {
  const auto key = id;
  run<store::conversation>(
      access::write, key,
      [user = std::move(user), id = std::move(id), target = std::move(target)](chat_service& c) {
        return c.remove_participant(user, id, target);
      },
      std::move(done));
}

void async_chat::leave(std::string user, std::string id, callback<void> done) {
  const auto key = id;
  run<void>(
      access::write, key,
      [user = std::move(user), id = std::move(id)](chat_service& c) { return c.leave(user, id); },
      std::move(done));
}

void async_chat::conversation_ids_for_user(std::string user,
                                           callback<std::vector<std::string>> done) {
  const auto key = user;
  run<std::vector<std::string>>(
      access::read, key,
      [user = std::move(user)](chat_service& c) { return c.conversation_ids_for_user(user); },
      std::move(done));
}

void async_chat::check_participant(std::string user, std::string id, callback<void> done) {
  const auto key = id;
  run<void>(
      access::read, key,
      [user = std::move(user), id = std::move(id)](chat_service& c) {
        return c.check_participant(user, id);
      },
      std::move(done));
}

void async_chat::send_message(std::string user, std::string id, json::value body,
                              callback<store::message> done) {
  if (!shared_limit_ || !passes_validation(id, body))  // a bad send: its error, never counted
    return submit_send(std::move(user), std::move(id), std::move(body), std::move(done));
  using kind = shared_rate_limit::verdict::kind;
  auto counted = [this, user, id = std::move(id), body = std::move(body),
                  done = std::move(done)](shared_rate_limit::verdict v) mutable {
    if (v.outcome == kind::refused) {
      auto e = core::make_error(core::error_code::rate_limited, "Too many messages, slow down");
      e.retry_after_ms = v.retry_after_ms;
      return done(std::move(e));
    }
    if (v.outcome == kind::allowed)  // not stored after all: give the send back
      done = [this, user, done = std::move(done)](core::result<store::message> r) {
        if (!r && shared_limit_) shared_limit_->refund(user);
        done(std::move(r));
      };
    submit_send(std::move(user), std::move(id), std::move(body), std::move(done));
  };
  // The verdict comes on the limiter's thread: back to this one before going on, so that sends
  // are submitted (and answered) in the order the shared count answered them.
  shared_limit_->consume(
      user, [back = back_, counted = std::move(counted)](shared_rate_limit::verdict v) mutable {
        back([counted = std::move(counted), v]() mutable { counted(v); });
      });
}

void async_chat::submit_send(std::string user, std::string id, json::value body,
                             callback<store::message> done) {
  const auto key = id;
  run_deferred<store::message>(
      access::send, key,
      [user = std::move(user), id = std::move(id), body = std::move(body)](
          chat_service& c, chat_service::send_done answer) {
        c.send_message(user, id, body, std::move(answer));
      },
      std::move(done));
}

void async_chat::get_message(std::string user, std::string id, callback<store::message> done) {
  const auto key = id;
  run<store::message>(
      access::read, key,
      [user = std::move(user), id = std::move(id)](chat_service& c) {
        return c.get_message(user, id);
      },
      std::move(done));
}

void async_chat::list_messages(std::string user, std::string id, message_query query,
                               callback<page<store::message>> done) {
  const auto key = id;
  run<page<store::message>>(
      access::read, key,
      [user = std::move(user), id = std::move(id), query = std::move(query)](chat_service& c) {
        return c.list_messages(user, id, query);
      },
      std::move(done));
}

void async_chat::edit_message(std::string user, std::string id, json::value body,
                              callback<store::message> done) {
  const auto key = id;
  run<store::message>(
      access::write, key,
      [user = std::move(user), id = std::move(id), body = std::move(body)](chat_service& c) {
        return c.edit_message(user, id, body);
      },
      std::move(done));
}

void async_chat::delete_message(std::string user, std::string id, callback<store::message> done) {
  const auto key = id;
  run<std::string>(
      access::read, key, [user, id](chat_service& c) { return c.message_conversation(user, id); },
      [this, user, id, done = std::move(done)](core::result<std::string> conversation) {
        if (!conversation) return done(conversation.error());
        run<store::message>(
            access::write, *conversation,
            [user, id](chat_service& c) { return c.delete_message(user, id); }, done);
      });
}

void async_chat::sync(std::string user, json::value payload, callback<sync_result> done) {
  std::string key;
  if (const auto* o = payload.if_object())
    if (auto it = o->find("conversationId"); it != o->end() && it->value().is_string())
      key = std::string(it->value().get_string());
  run<sync_result>(
      access::read, key,
      [user = std::move(user), payload = std::move(payload)](chat_service& c) {
        return c.sync(user, payload);
      },
      std::move(done));
}

void async_chat::mark_read(std::string user, std::string id, json::value body,
                           callback<store::read_state> done) {
  const auto key = id;  // the conversation's worker: in order with its sends and deletions
  run<store::read_state>(
      access::write, key,
      [user = std::move(user), id = std::move(id), body = std::move(body)](chat_service& c) {
        return c.mark_read(user, id, body);
      },
      std::move(done));
}

void async_chat::find_recovery_session(store::recovery_claim claim,
                                       callback<std::optional<store::recovered_state>> done) {
  const auto key = claim.pid;
  run<std::optional<store::recovered_state>>(
      access::write, key,
      [claim = std::move(claim)](chat_service& c) { return c.find_recovery_session(claim); },
      std::move(done));
}

void async_chat::open_recovery_session(store::recovery_session s, callback<void> done) {
  const auto key = s.pid;
  run<void>(
      access::write, key,
      [s = std::move(s)](chat_service& c) { return c.open_recovery_session(s); }, std::move(done));
}

void async_chat::close_recovery_session(std::string pid, std::string owner, bool recoverable,
                                        callback<void> done) {
  const auto key = pid;
  run<void>(
      access::write, key,
      [pid = std::move(pid), owner = std::move(owner), recoverable](chat_service& c) {
        return c.close_recovery_session(pid, owner, recoverable);
      },
      std::move(done));
}

void async_chat::add_reaction(std::string user, std::string id, json::value body,
                              callback<store::message> done) {
  const auto key = id;
  run<store::message>(
      access::write, key,
      [user = std::move(user), id = std::move(id), body = std::move(body)](chat_service& c) {
        return c.add_reaction(user, id, body);
      },
      std::move(done));
}

void async_chat::mark_read(std::string user, json::value payload,
                           callback<store::read_state> done) {
  std::string key;
  if (const auto* o = payload.if_object())
    if (auto it = o->find("conversationId"); it != o->end() && it->value().is_string())
      key = std::string(it->value().get_string());
  run<store::read_state>(
      access::write, key,
      [user = std::move(user), payload = std::move(payload)](chat_service& c) {
        return c.mark_read(user, payload);
      },
      std::move(done));
}

void async_chat::remove_reaction(std::string user, std::string id, std::string emoji,
                                 callback<store::message> done) {
  const auto key = id;
  run<store::message>(
      access::write, key,
      [user = std::move(user), id = std::move(id), emoji = std::move(emoji)](chat_service& c) {
        return c.react(user, id, emoji, store::reaction_action::remove);
      },
      std::move(done));
}

void async_chat::react(std::string user, json::value payload, store::reaction_action action,
                       callback<store::message> done) {
  // Keyed like edits (by the message), so one message's reactions run in order on one worker.
  std::string key;
  if (const auto* o = payload.if_object())
    if (auto it = o->find("messageId"); it != o->end() && it->value().is_string())
      key = std::string(it->value().get_string());
  run<store::message>(
      access::write, key,
      [user = std::move(user), payload = std::move(payload), action](chat_service& c) {
        return c.react(user, payload, action);
      },
      std::move(done));
}

void async_chat::prune_recovery(callback<void> done) {
  run<void>(
      access::write, "recovery", [](chat_service& c) { return c.prune_recovery(); },
      std::move(done));
}

}  // namespace chatgate::chat
