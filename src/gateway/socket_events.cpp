#include "gateway/socket_events.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "chat/json.hpp"
#include "gateway/payloads.hpp"
#include "gateway/room_service.hpp"
#include "gateway/typing_service.hpp"
#include "socketio/session_store.hpp"
#include "socketio/shared_encodings.hpp"

namespace chatgate::gateway {

socketio::args socket_events::recoverable(boost::json::value payload, const store::message& m) {
  auto a = payloads::one(std::move(payload));
  socketio::append_offset(a, m.event_offset);
  return a;
}

socketio::broadcast_operator socket_events::to(std::string room) const {
  auto op = nsp_.to(std::move(room));
  return local_ ? op.local() : op;
}

socketio::broadcast_operator socket_events::to(const std::vector<std::string>& rooms) const {
  auto op = nsp_.to(rooms);
  return local_ ? op.local() : op;
}

void socket_events::emit(const socketio::broadcast_operator& op, std::string_view event,
                         const std::function<socketio::args()>& make_args) const {
  if (local_) {
    const auto enc = socketio::shared_encodings::next(
        event, [&] { return socketio::make_event_packet(nsp_.name(), event, make_args()); });
    if (enc) return op.emit_encoded(*enc);
  }
  op.emit(event, make_args());
}

void socket_events::message_created(const store::message& m) {
  emit(to(room_service::conversation_room(m.conversation_id)), "message:new",
       [&] { return recoverable(chat::to_json(m), m); });
  if (typing_) typing_->stop(m.sender_id, m.conversation_id);
}

void socket_events::message_updated(const store::message& m) {
  emit(to(room_service::conversation_room(m.conversation_id)), "message:updated",
       [&] { return recoverable(payloads::message_updated(m), m); });
}

void socket_events::message_deleted(const store::message& m) {
  emit(to(room_service::conversation_room(m.conversation_id)), "message:deleted",
       [&] { return recoverable(payloads::message_deleted(m), m); });
}

void socket_events::message_reaction(const store::message& m, std::string_view user_id,
                                     std::string_view emoji, bool added) {
  emit(to(room_service::conversation_room(m.conversation_id)), "message:reaction",
       [&] { return recoverable(payloads::message_reaction(m, user_id, emoji, added), m); });
}

void socket_events::conversation_created(const store::conversation& c) {
  std::vector<std::string> users;
  users.reserve(c.participants.size());
  for (const auto& p : c.participants) {
    users.push_back(room_service::user_room(p.user_id));
    rooms_.note_added(p.user_id, c.id);
  }
  if (users.empty()) return;
  auto members = to(users);
  members.sockets_join(room_service::conversation_room(c.id));
  // Each participant gets its own read state (contract §8); a new conversation has no messages,
  // so they normally all match and one encoded object serves everyone.
  const bool same_state = std::all_of(c.participants.begin(), c.participants.end(), [&](auto& p) {
    return p.last_read_seq == c.participants.front().last_read_seq &&
           p.unread_count == c.participants.front().unread_count;
  });
  if (same_state) {
    emit(members, "conversation:new",
         [&] { return payloads::one(chat::to_json(c, c.participants.front().user_id)); });
    return;
  }
  for (const auto& p : c.participants)
    emit(to(room_service::user_room(p.user_id)), "conversation:new",
         [&] { return payloads::one(chat::to_json(c, p.user_id)); });
}

void socket_events::participant_added(const store::conversation& c, std::string_view user_id) {
  auto user = to(room_service::user_room(user_id));
  const auto room = room_service::conversation_room(c.id);
  rooms_.note_added(user_id, c.id);
  user.sockets_join(room);
  emit(user, "conversation:joined", [&] { return payloads::one(chat::to_json(c, user_id)); });
  emit(to(room), "participant:added",
       [&] { return payloads::one(payloads::participant(c.id, user_id, clock_.now())); });
}

void socket_events::participant_removed(const store::conversation& c, std::string_view user_id) {
  auto user = to(room_service::user_room(user_id));
  const auto room = room_service::conversation_room(c.id);
  emit(to(room), "participant:removed",
       [&] { return payloads::one(payloads::participant(c.id, user_id, clock_.now())); });
  emit(user, "conversation:removed",
       [&] { return payloads::one(payloads::conversation_removed(c.id)); });
  user.sockets_leave(room);
  rooms_.note_removed(user_id, c.id);
  if (typing_) typing_->stop(user_id, c.id);
}

void socket_events::conversation_read(const store::read_state& state) {
  emit(to(room_service::conversation_room(state.conversation_id)), "conversation:read",
       [&] { return payloads::one(chat::to_json(state)); });
}

}  // namespace chatgate::gateway
