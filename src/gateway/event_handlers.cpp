#include "gateway/event_handlers.hpp"
#include "gateway/socket_user.hpp"

#include <exception>

#include "chat/json.hpp"
#include "gateway/payloads.hpp"

namespace chatgate::gateway {

namespace json = boost::json;

event_handlers::event_handlers(chat::async_chat& chat, room_service& rooms, typing_service& typing,
                               const error_filter& errors, const core::clock& clock)
    : chat_(chat), rooms_(rooms), typing_(typing), errors_(errors), clock_(clock) {}

void event_handlers::bind(socketio::namespace_& nsp) {
  // One table on the namespace for every socket (not one per socket: ~1 KiB each).
  auto route = [this, &nsp](std::string_view event, handler h) {
    nsp.on(std::string(event),
           [this, event, h](socketio::socket& s, const socketio::args& a,
                            const socketio::ack_fn& ack) { handle(s, event, h, a, ack); });
  };
  route("message:send", &event_handlers::send);
  route("message:edit", &event_handlers::edit);
  route("message:delete", &event_handlers::remove);
  route("messages:sync", &event_handlers::sync);
  route("room:join", &event_handlers::join);
  route("room:leave", &event_handlers::leave);
  route("typing:start", &event_handlers::typing_start);
  route("typing:stop", &event_handlers::typing_stop);
  route("conversation:read", &event_handlers::mark_read);
  route("message:react", &event_handlers::react);
  route("message:unreact", &event_handlers::unreact);
  nsp.on("ping", [this](socketio::socket& s, const socketio::args&, const socketio::ack_fn& ack) {
    ping(s, ack);
  });
}

void event_handlers::handle(socketio::socket& s, std::string_view event, handler h,
                            const socketio::args& a, const socketio::ack_fn& ack) {
  const auto* user = user_of(s);
  if (!user || !user->registered)
    return errors_.report(
        s, event, core::make_error(core::error_code::unauthorized, "Not authenticated"), ack);
  static const json::value none;
  const json::value& payload = a.empty() ? none : a.front();
  if (!payload.is_object())
    return errors_.report(s, event, core::validation_error("payload", "must be an object"), ack);
  auto self = s.shared_from_this();
  done_fn done = [this, self, event, ack](reply r) {
    if (!r) return errors_.report(*self, event, r.error(), ack);
    if (ack) ack(std::move(*r));
  };
  try {
    (this->*h)(self, user->user_id, payload, std::move(done));
  } catch (const std::exception& e) {
    errors_.report(s, event,
                   core::make_error(core::error_code::internal_error,
                                    std::string("unexpected exception: ") + e.what()),
                   ack);
  }
}

void event_handlers::send(const socket_ptr&, const std::string& user, const json::value& payload,
                          done_fn done) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return done(conversation_id.error());
  chat_.send_message(user, *conversation_id, payload,
                     [done = std::move(done)](core::result<store::message> m) {
                       if (!m) return done(m.error());
                       done(payloads::message_ack_args(*m));
                     });
}

void event_handlers::edit(const socket_ptr&, const std::string& user, const json::value& payload,
                          done_fn done) {
  auto message_id = chat::chat_service::read_id(payload, "messageId");
  if (!message_id) return done(message_id.error());
  chat_.edit_message(user, *message_id, payload,
                     [done = std::move(done)](core::result<store::message> m) {
                       if (!m) return done(m.error());
                       done(payloads::message_ack_args(*m));
                     });
}

void event_handlers::react(const socket_ptr&, const std::string& user, const json::value& payload,
                           done_fn done) {
  chat_.react(user, payload, store::reaction_action::add, message_answer(std::move(done)));
}

void event_handlers::unreact(const socket_ptr&, const std::string& user, const json::value& payload,
                             done_fn done) {
  chat_.react(user, payload, store::reaction_action::remove, message_answer(std::move(done)));
}

chat::async_chat::callback<store::message> event_handlers::message_answer(done_fn done) {
  return [done = std::move(done)](core::result<store::message> m) {
    if (!m) return done(m.error());
    done(payloads::message_ack_args(*m));
  };
}

void event_handlers::remove(const socket_ptr&, const std::string& user, const json::value& payload,
                            done_fn done) {
  auto message_id = chat::chat_service::read_id(payload, "messageId");
  if (!message_id) return done(message_id.error());
  chat_.delete_message(user, *message_id, [done = std::move(done)](core::result<store::message> m) {
    if (!m) return done(m.error());
    done(payloads::one(payloads::success_ack()));
  });
}

void event_handlers::sync(const socket_ptr&, const std::string& user, const json::value& payload,
                          done_fn done) {
  chat_.sync(user, payload, [done = std::move(done)](core::result<chat::sync_result> r) {
    if (!r) return done(r.error());
    done(payloads::one(payloads::sync_ack(*r)));
  });
}

void event_handlers::join(const socket_ptr& s, const std::string& user, const json::value& payload,
                          done_fn done) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return done(conversation_id.error());
  chat_.check_participant(
      user, *conversation_id,
      [this, s, id = *conversation_id, done = std::move(done)](core::result<void> ok) {
        if (!ok) return done(ok.error());
        if (s->connected()) rooms_.join_conversation(*s, id);
        done(payloads::one(payloads::room_ack(id)));
      });
}

void event_handlers::leave(const socket_ptr& s, const std::string&, const json::value& payload,
                           done_fn done) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return done(conversation_id.error());
  rooms_.leave_conversation(*s, *conversation_id);
  done(payloads::one(payloads::success_ack()));
}

void event_handlers::typing_start(const socket_ptr& s, const std::string& user,
                                  const json::value& payload, done_fn done) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return done(conversation_id.error());
  if (typing_.is_typing(user, *conversation_id)) {
    typing_.start(user, *conversation_id);
    return done(payloads::one(payloads::success_ack()));
  }
  chat_.check_participant(
      user, *conversation_id,
      [this, s, user, id = *conversation_id, done = std::move(done)](core::result<void> ok) {
        if (!ok) return done(ok.error());
        // Gone while the store answered: its typing would outlive its last socket.
        if (s->connected()) typing_.start(user, id);
        done(payloads::one(payloads::success_ack()));
      });
}

void event_handlers::typing_stop(const socket_ptr&, const std::string& user,
                                 const json::value& payload, done_fn done) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return done(conversation_id.error());
  if (typing_.is_typing(user, *conversation_id)) {
    typing_.stop(user, *conversation_id);
    return done(payloads::one(payloads::success_ack()));
  }
  // Not typing: nothing changes, but an outsider still learns FORBIDDEN.
  chat_.check_participant(user, *conversation_id, [done = std::move(done)](core::result<void> ok) {
    if (!ok) return done(ok.error());
    done(payloads::one(payloads::success_ack()));
  });
}

void event_handlers::mark_read(const socket_ptr&, const std::string& user,
                               const json::value& payload, done_fn done) {
  chat_.mark_read(user, payload, [done = std::move(done)](core::result<store::read_state> r) {
    if (!r) return done(r.error());
    done(payloads::one(json::object{{"success", true}, {"data", chat::to_json(*r)}}));
  });
}

void event_handlers::ping(socketio::socket& s, const socketio::ack_fn& ack) {
  const auto now = clock_.now();
  s.emit("pong", payloads::one(payloads::pong_event(now)));
  if (ack) ack(payloads::one(payloads::pong_ack(now)));
}

}  // namespace chatgate::gateway
