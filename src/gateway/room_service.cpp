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
  ++loading_[user].sockets;
  chat_.conversation_ids_for_user(user, [this, s, user, done = std::move(done)](
                                            core::result<std::vector<std::string>> ids) {
    auto it = loading_.find(user);
    if (ids && it != loading_.end())
      std::erase_if(*ids, [&](const std::string& id) { return it->second.removed.contains(id); });
    if (it != loading_.end() && --it->second.sockets == 0) loading_.erase(it);
    if (ids && s->connected()) {
      std::vector<std::string> rooms;
      rooms.reserve(ids->size());
      for (const auto& id : *ids) rooms.push_back(conversation_room(id));
      s->join(rooms);
    }
    done(std::move(ids));
  });
}

void room_service::note_removed(std::string_view user, std::string_view conversation_id) {
  if (auto it = loading_.find(user); it != loading_.end())
    it->second.removed.emplace(conversation_id);
}

void room_service::note_added(std::string_view user, std::string_view conversation_id) {
  if (auto it = loading_.find(user); it != loading_.end()) {
    if (auto r = it->second.removed.find(conversation_id); r != it->second.removed.end())
      it->second.removed.erase(r);
  }
}

void room_service::join_conversation(socketio::socket& s, std::string_view conversation_id) {
  s.join(conversation_room(conversation_id));
}

void room_service::leave_conversation(socketio::socket& s, std::string_view conversation_id) {
  s.leave(conversation_room(conversation_id));
}

}  // namespace chatgate::gateway
