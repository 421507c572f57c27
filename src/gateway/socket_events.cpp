#include "gateway/socket_events.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "chat/json.hpp"
#include "gateway/payloads.hpp"
#include "gateway/room_service.hpp"
#include "gateway/typing_service.hpp"
#include "socketio/session_store.hpp"

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

void socket_events::message_created(const store::message& m) {
  to(room_service::conversation_room(m.conversation_id))
      .emit("message:new", recoverable(chat::to_json(m), m));
  if (typing_) typing_->stop(m.sender_id, m.conversation_id);
}

void socket_events::message_updated(const store::message& m) {
  to(room_service::conversation_room(m.conversation_id))
      .emit("message:updated", recoverable(payloads::message_updated(m), m));
}

void socket_events::message_deleted(const store::message& m) {
  to(room_service::conversation_room(m.conversation_id))
      .emit("message:deleted", recoverable(payloads::message_deleted(m), m));
}

void socket_events::message_reaction(const store::message& m, std::string_view user_id,
                                     std::string_view emoji, bool added) {
  to(room_service::conversation_room(m.conversation_id))
      .emit("message:reaction",
            recoverable(payloads::message_reaction(m, user_id, emoji, added), m));
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
    members.emit("conversation:new",
                 payloads::one(chat::to_json(c, c.participants.front().user_id)));
    return;
  }
  for (const auto& p : c.participants)
    to(room_service::user_room(p.user_id))
        .emit("conversation:new", payloads::one(chat::to_json(c, p.user_id)));
}

void socket_events::participant_added(const store::conversation& c, std::string_view user_id) {
  auto user = to(room_service::user_room(user_id));
  const auto room = room_service::conversation_room(c.id);
  rooms_.note_added(user_id, c.id);
  user.sockets_join(room);
  user.emit("conversation:joined", payloads::one(chat::to_json(c, user_id)));
  to(room).emit("participant:added",
                payloads::one(payloads::participant(c.id, user_id, clock_.now())));
}

void socket_events::participant_removed(const store::conversation& c, std::string_view user_id) {
  auto user = to(room_service::user_room(user_id));
  const auto room = room_service::conversation_room(c.id);
  to(room).emit("participant:removed",
                payloads::one(payloads::participant(c.id, user_id, clock_.now())));
  user.emit("conversation:removed", payloads::one(payloads::conversation_removed(c.id)));
  user.sockets_leave(room);
  rooms_.note_removed(user_id, c.id);
  if (typing_) typing_->stop(user_id, c.id);
}

void socket_events::conversation_read(const store::read_state& state) {
  to(room_service::conversation_room(state.conversation_id))
      .emit("conversation:read", payloads::one(chat::to_json(state)));
}

}  // namespace chatgate::gateway
