#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "chat/chat_service.hpp"
#include "core/result.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// Seed §4.5: the room names and a socket's conversation rooms.
class room_service {
 public:
  explicit room_service(chat::chat_service& chat) : chat_(chat) {}

  /// `conversation:{id}`.
  static std::string conversation_room(std::string_view conversation_id);
  /// `user:{id}`.
  static std::string user_room(std::string_view user_id);

  /// Joins `s` to `user:{user}` and the room of each of the user's conversations; answers the
  /// ids of those conversations (rooms joined: their number + 1).
  core::result<std::vector<std::string>> join_user_rooms(socketio::socket& s,
                                                         std::string_view user);
  /// Ids of the user's conversations, as the store holds them now.
  core::result<std::vector<std::string>> conversation_ids(std::string_view user);
  void join_conversation(socketio::socket& s, std::string_view conversation_id);
  void leave_conversation(socketio::socket& s, std::string_view conversation_id);

 private:
  chat::chat_service& chat_;
};

}  // namespace chatgate::gateway
