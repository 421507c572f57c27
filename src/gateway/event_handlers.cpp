#include "gateway/event_handlers.hpp"

#include <exception>

#include "gateway/payloads.hpp"

namespace chatgate::gateway {

namespace json = boost::json;

event_handlers::event_handlers(chat::chat_service& chat, room_service& rooms,
                               typing_service& typing, const error_filter& errors,
                               const core::clock& clock)
    : chat_(chat), rooms_(rooms), typing_(typing), errors_(errors), clock_(clock) {}

void event_handlers::bind(socketio::socket& s) {
  // The handlers live in the socket, so the raw pointer never outlives it.
  auto* sp = &s;
  auto route = [this, sp](std::string_view event, handler h) {
    sp->on(std::string(event),
           [this, sp, event, h](const socketio::args& a, const socketio::ack_fn& ack) {
             handle(*sp, event, h, a, ack);
           });
  };
  route("message:send", &event_handlers::send);
  route("message:edit", &event_handlers::edit);
  route("message:delete", &event_handlers::remove);
  route("messages:sync", &event_handlers::sync);
  route("room:join", &event_handlers::join);
  route("room:leave", &event_handlers::leave);
  route("typing:start", &event_handlers::typing_start);
  route("typing:stop", &event_handlers::typing_stop);
  s.on("ping", [this, sp](const socketio::args&, const socketio::ack_fn& ack) { ping(*sp, ack); });
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
  reply r = core::make_error(core::error_code::internal_error, "no reply");
  try {
    r = (this->*h)(s, *user, payload);
  } catch (const std::exception& e) {
    r = core::make_error(core::error_code::internal_error,
                         std::string("unexpected exception: ") + e.what());
  }
  if (!r) return errors_.report(s, event, r.error(), ack);
  if (ack) ack(payloads::one(std::move(*r)));
}

event_handlers::reply event_handlers::send(socketio::socket&, const socket_user& u,
                                           const json::value& payload) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return conversation_id.error();
  auto m = chat_.send_message(u.user_id, *conversation_id, payload);
  if (!m) return m.error();
  return payloads::message_ack(*m);
}

event_handlers::reply event_handlers::edit(socketio::socket&, const socket_user& u,
                                           const json::value& payload) {
  auto message_id = chat::chat_service::read_id(payload, "messageId");
  if (!message_id) return message_id.error();
  auto m = chat_.edit_message(u.user_id, *message_id, payload);
  if (!m) return m.error();
  return payloads::message_ack(*m);
}

event_handlers::reply event_handlers::remove(socketio::socket&, const socket_user& u,
                                             const json::value& payload) {
  auto message_id = chat::chat_service::read_id(payload, "messageId");
  if (!message_id) return message_id.error();
  auto m = chat_.delete_message(u.user_id, *message_id);
  if (!m) return m.error();
  return payloads::success_ack();
}

event_handlers::reply event_handlers::sync(socketio::socket&, const socket_user& u,
                                           const json::value& payload) {
  auto r = chat_.sync(u.user_id, payload);
  if (!r) return r.error();
  return payloads::sync_ack(*r);
}

event_handlers::reply event_handlers::join(socketio::socket& s, const socket_user& u,
                                           const json::value& payload) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return conversation_id.error();
  if (auto ok = chat_.check_participant(u.user_id, *conversation_id); !ok) return ok.error();
  rooms_.join_conversation(s, *conversation_id);
  return payloads::room_ack(*conversation_id);
}

event_handlers::reply event_handlers::leave(socketio::socket& s, const socket_user&,
                                            const json::value& payload) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return conversation_id.error();
  rooms_.leave_conversation(s, *conversation_id);
  return payloads::success_ack();
}

event_handlers::reply event_handlers::typing_start(socketio::socket&, const socket_user& u,
                                                   const json::value& payload) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return conversation_id.error();
  if (!typing_.is_typing(u.user_id, *conversation_id)) {
    if (auto ok = chat_.check_participant(u.user_id, *conversation_id); !ok) return ok.error();
  }
  typing_.start(u.user_id, *conversation_id);
  return payloads::success_ack();
}

event_handlers::reply event_handlers::typing_stop(socketio::socket&, const socket_user& u,
                                                  const json::value& payload) {
  auto conversation_id = chat::chat_service::read_id(payload, "conversationId");
  if (!conversation_id) return conversation_id.error();
  if (!typing_.is_typing(u.user_id, *conversation_id)) {
    if (auto ok = chat_.check_participant(u.user_id, *conversation_id); !ok) return ok.error();
  }
  typing_.stop(u.user_id, *conversation_id);
  return payloads::success_ack();
}

void event_handlers::ping(socketio::socket& s, const socketio::ack_fn& ack) {
  const auto now = clock_.now();
  s.emit("pong", payloads::one(payloads::pong_event(now)));
  if (ack) ack(payloads::one(payloads::pong_ack(now)));
}

}  // namespace chatgate::gateway
