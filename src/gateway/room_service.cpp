#include "gateway/room_service.hpp"

namespace chatgate::gateway {

std::string room_service::conversation_room(std::string_view conversation_id) {
  return "conversation:" + std::string(conversation_id);
}

std::string room_service::user_room(std::string_view user_id) {
  return "user:" + std::string(user_id);
}

core::result<std::vector<std::string>> room_service::conversation_ids(std::string_view user) {
  return chat_.conversation_ids_for_user(user);
}

core::result<std::vector<std::string>> room_service::join_user_rooms(socketio::socket& s,
                                                                     std::string_view user) {
  auto ids = chat_.conversation_ids_for_user(user);
  if (!ids) return ids.error();
  std::vector<std::string> rooms;
  rooms.reserve(ids->size() + 1);
  for (const auto& id : *ids) rooms.push_back(conversation_room(id));
  rooms.push_back(user_room(user));
  s.join(rooms);
  return ids;
}

void room_service::join_conversation(socketio::socket& s, std::string_view conversation_id) {
  s.join(conversation_room(conversation_id));
}

void room_service::leave_conversation(socketio::socket& s, std::string_view conversation_id) {
  s.leave(conversation_room(conversation_id));
}

}  // namespace chatgate::gateway
