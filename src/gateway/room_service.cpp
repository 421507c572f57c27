#include "gateway/room_service.hpp"

namespace chatgate::gateway {

std::string room_service::conversation_room(std::string_view conversation_id) {
  return "conversation:" + std::string(conversation_id);
}

std::string room_service::user_room(std::string_view user_id) {
  return "user:" + std::string(user_id);
}

void room_service::conversation_ids(const std::string& user, ids_callback done) {
  chat_.conversation_ids_for_user(user, std::move(done));
}

void room_service::join_user_rooms(const std::shared_ptr<socketio::socket>& s,
                                   const std::string& user, ids_callback done) {
  s->join(user_room(user));
  chat_.conversation_ids_for_user(
      user, [s, done = std::move(done)](core::result<std::vector<std::string>> ids) {
        if (ids && s->connected()) {
          std::vector<std::string> rooms;
          rooms.reserve(ids->size());
          for (const auto& id : *ids) rooms.push_back(conversation_room(id));
          s->join(rooms);
        }
        done(std::move(ids));
      });
}

void room_service::join_conversation(socketio::socket& s, std::string_view conversation_id) {
  s.join(conversation_room(conversation_id));
}

void room_service::leave_conversation(socketio::socket& s, std::string_view conversation_id) {
  s.leave(conversation_room(conversation_id));
}

}  // namespace chatgate::gateway
