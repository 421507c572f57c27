#pragma once
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "chat/async_chat.hpp"
#include "chat/connection_directory.hpp"
#include "chat/presence.hpp"
#include "core/result.hpp"
#include "rest/reply.hpp"

namespace chatgate::rest {

/// One authenticated API request, already routed and parsed.
struct call {
  std::string user;                 // from the bearer token
  std::vector<std::string> params;  // path parameters, in order, percent-decoded
  std::map<std::string, std::string, std::less<>> query;  // first value of each query parameter
  boost::json::value body;         // parsed JSON body ({} when there is none)
  std::vector<std::string> roles;  // claim `roles` of the bearer token
};

/// The /api/v1 endpoints (contract §5): each turns a call into chat calls and a reply. Rules
/// and validation live in chat/; this class only maps HTTP to them. Every endpoint answers
/// through `done` on the io thread, once the store worker answered (chat::async_chat).
class api {
 public:
  api(chat::async_chat& chat, chat::presence& presence);

  using answer = std::function<void(core::result<reply>)>;
  using endpoint = void (api::*)(const call&, answer done);

  void create_conversation(const call& c, answer done);
  void list_conversations(const call& c, answer done);
  void get_conversation(const call& c, answer done);
  void update_conversation(const call& c, answer done);
  void add_participant(const call& c, answer done);
  void remove_participant(const call& c, answer done);
  void leave(const call& c, answer done);
  void send_message(const call& c, answer done);
  void list_messages(const call& c, answer done);
  void get_message(const call& c, answer done);
  void edit_message(const call& c, answer done);
  void delete_message(const call& c, answer done);
  /// POST /conversations/{id}/read {seq} (contract §8): 200 {conversationId, userId,
  /// lastReadSeq, unreadCount}.
  void mark_read(const call& c, answer done);
  /// POST /messages/{id}/reactions {emoji}: 201 with the message (contract §8).
  void add_reaction(const call& c, answer done);
  /// DELETE /messages/{id}/reactions/{emoji} (the emoji URL-encoded): 200 with the message.
  void remove_reaction(const call& c, answer done);
  void presence(const call& c, answer done);
  /// GET /admin/connections?userId=: role `admin` only (FORBIDDEN otherwise).
  void admin_connections(const call& c, answer done);

  /// Where admin_connections reads the live sockets (the gateway); none: an empty list.
  void set_connection_directory(chat::connection_directory* d) { directory_ = d; }

  /// Most user ids one POST /presence may ask about.
  static constexpr std::size_t presence_max = 1000;
  /// Longest userId filter GET /admin/connections accepts.
  static constexpr std::size_t max_user_id_length = 255;

 private:
  chat::async_chat& chat_;
  chat::presence& presence_;
  chat::connection_directory* directory_ = nullptr;
};

}  // namespace chatgate::rest
