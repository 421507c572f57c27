#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/verifier.hpp"
#include "cluster/connection_map.hpp"
#include "core/clock.hpp"
#include "gateway/error_filter.hpp"
#include "gateway/gateway_settings.hpp"
#include "gateway/recovery_sessions.hpp"
#include "gateway/room_service.hpp"
#include "gateway/token_expiry.hpp"
#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// The seed's handleConnection / handleDisconnect (§4.10) with contract §6: the namespace
/// connect always succeeds; then the token is checked, the socket counted in the connection map,
/// joined to its rooms, greeted with `connected`, and the user announced online on the user's
/// first socket. A refused socket gets `error` (UNAUTHORIZED or CONNECTION_ERROR) and a server
/// disconnect.
class connection_handler {
 public:
  connection_handler(socketio::namespace_& nsp, const auth::verifier& verifier,
                     cluster::connection_map& connections, room_service& rooms,
                     const error_filter& errors, const core::clock& clock, token_expiry& expiry,
                     gateway_settings settings);

  /// Seed §4.6: `auth.token`, else the `token` query parameter, else `Authorization: Bearer`.
  static std::optional<std::string> extract_token(const socketio::handshake& hs);
  /// The identity the handshake's token proves, or UNAUTHORIZED.
  core::result<auth::identity> authenticate(const socketio::handshake& hs) const;

  /// Registers the disconnect handler once on the namespace (for every socket).
  void bind(socketio::namespace_& nsp);
  /// A socket connected to the namespace.
  void on_connection(const std::shared_ptr<socketio::socket>& s);
  /// `user:offline` for a user whose last socket was on a dead instance (the Redis map's sweep).
  void announce_offline(const std::string& user);
  /// Connection state recovery (RECOVERY_WINDOW_MS > 0): sessions opened once a socket got
  /// `connected`, closed at its disconnect. Null: off.
  void set_recovery(recovery_sessions* recovery) { recovery_ = recovery; }

 private:
  void on_registered(const std::shared_ptr<socketio::socket>& s, std::size_t count);
  /// The store answered the user's conversations: `connected`, and user:online when first.
  void on_rooms_joined(const std::shared_ptr<socketio::socket>& s, std::size_t count,
                       core::result<std::vector<std::string>> conversations);
  void on_disconnect(socketio::socket& s, std::string_view reason);
  /// Sends `error` without originalEvent, then disconnects.
  void refuse(socketio::socket& s, const core::error& e);
  /// `event` (user:online / user:offline) to each conversation room but the user's own sockets.
  void broadcast_presence(std::string_view event, const std::string& user,
                          const std::vector<std::string>& conversation_ids);

  socketio::namespace_& nsp_;
  const auth::verifier& verifier_;
  cluster::connection_map& connections_;
  room_service& rooms_;
  const error_filter& errors_;
  const core::clock& clock_;
  token_expiry& expiry_;
  gateway_settings settings_;
  recovery_sessions* recovery_ = nullptr;
  // Held by callbacks that a networked connection map may run after this handler is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chatgate::gateway
