#pragma once
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chat/async_chat.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// Seed §4.5: the room names and a socket's conversation rooms.
class room_service {
 public:
  explicit room_service(chat::async_chat& chat) : chat_(chat) {}

  /// `conversation:{id}`.
  static std::string conversation_room(std::string_view conversation_id);
  /// `user:{id}`.
  static std::string user_room(std::string_view user_id);

  using ids_callback = chat::async_chat::callback<std::vector<std::string>>;
  /// Joins `s` to `user:{user}` at once, then (once the store answered) to the room of each of
  /// the user's conversations; answers the ids of those conversations (rooms joined: their
  /// number + 1). The user room comes first so that a conversation created while the store
  /// reads reaches the socket through it (conversation:new joins the socket to its room).
  /// Nothing is joined after a disconnect meanwhile.
  void join_user_rooms(const std::shared_ptr<socketio::socket>& s, const std::string& user,
                       ids_callback done);
  /// Ids of the user's conversations, as the store holds them now.
  void conversation_ids(const std::string& user, ids_callback done);
  void join_conversation(socketio::socket& s, std::string_view conversation_id);
  void leave_conversation(socketio::socket& s, std::string_view conversation_id);

  /// Membership changes seen while some socket of `user` waits for its conversation list: that
  /// list may have been read before a removal, so a conversation the user was removed from
  /// meanwhile is not joined from it (the removal's events already went by); a re-add clears it.
  void note_removed(std::string_view user, std::string_view conversation_id);
  void note_added(std::string_view user, std::string_view conversation_id);

 private:
  /// Users with sockets waiting for their conversation list (io thread only).
  struct loading {
    std::size_t sockets = 0;
    std::set<std::string, std::less<>> removed;
  };
  chat::async_chat& chat_;
  std::map<std::string, loading, std::less<>> loading_;
};

}  // namespace chatgate::gateway
