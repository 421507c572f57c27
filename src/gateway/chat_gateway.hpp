#pragma once
#include "auth/verifier.hpp"
#include "chat/async_chat.hpp"
#include "chat/events.hpp"
#include "chat/presence.hpp"
#include "cluster/connection_map.hpp"
#include "core/clock.hpp"
#include "gateway/admin_connections.hpp"
#include "gateway/connection_handler.hpp"
#include "gateway/connection_presence.hpp"
#include "gateway/error_filter.hpp"
#include "gateway/event_handlers.hpp"
#include "gateway/gateway_settings.hpp"
#include "gateway/recovery_sessions.hpp"
#include "gateway/room_service.hpp"
#include "gateway/socket_events.hpp"
#include "gateway/token_expiry.hpp"
#include "gateway/typing_service.hpp"
#include "socketio/namespace_.hpp"

namespace chatgate::gateway {

/// The chat gateway (seed §4.10): serves namespace `nsp` (the client's default "/"), and gives
/// chat_service its event sink and REST its presence. Build it after the socketio::server and
/// destroy it before; everything runs on the io thread (store calls go through chat::async_chat).
///
///   gateway::chat_gateway gw(io.of("/"), chat, verifier, connections, clock, {max});
///   chat.set_events(&gw.events());
class chat_gateway {
 public:
  chat_gateway(socketio::namespace_& nsp, chat::async_chat& chat, const auth::verifier& verifier,
               cluster::connection_map& connections, const core::clock& clock,
               gateway_settings settings = {});
  ~chat_gateway();
  chat_gateway(const chat_gateway&) = delete;
  chat_gateway& operator=(const chat_gateway&) = delete;

  /// The chat::events sink that emits socket events for every store change.
  chat::events& events() { return events_; }
  /// Who is online, for POST /api/v1/presence.
  chat::presence& presence() { return presence_; }
  /// The live sockets, for GET /api/v1/admin/connections.
  admin_connections& directory() { return admin_; }
  /// The typing indicator (tests drive its timer by hand).
  typing_service& typing() { return typing_; }
  /// Users whose last socket was on a dead instance (Redis map sweep): `user:offline` for each.
  void users_offline(const std::vector<std::string>& users) {
    for (const auto& u : users) connections_.announce_offline(u);
  }

 private:
  socketio::namespace_& nsp_;
  error_filter errors_;
  room_service rooms_;
  typing_service typing_;
  socket_events events_;
  connection_presence presence_;
  token_expiry expiry_;
  connection_handler connections_;
  event_handlers handlers_;
  admin_connections admin_;
  std::unique_ptr<recovery_sessions> recovery_;  // null while RECOVERY_WINDOW_MS is 0
};

}  // namespace chatgate::gateway
