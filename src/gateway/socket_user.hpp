#pragma once
#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// What the gateway keeps on an authenticated socket (seed §4.3 SocketUserData), in
/// socketio::socket::data(). The user's conversations are not cached here: they change under
/// the socket (REST adds and removes members), so the store is asked when they are needed.
struct socket_user {
  std::string user_id;  // externalUserId, else sub
  core::sys_time_ms connected_at{};
  bool registered = false;  // counted in the connection map (undone on disconnect)
  std::optional<core::sys_time_ms> expires_at;  // the token's `exp`; moved by auth:refresh
  std::string recovery_owner;  // this socket's token in its recovery session (empty: none)
  bool watched = false;  // token_expiry watches it (after `connected`): auth:refresh is served
  // token_expiry's entry for expires_at on the steady clock (max: none armed).
  std::chrono::steady_clock::time_point expiry_deadline =
      std::chrono::steady_clock::time_point::max();
};

/// The socket's user, or nullptr before authentication succeeded.
inline socket_user* user_of(socketio::socket& s) {
  return std::any_cast<socket_user>(&s.data());
}
inline const socket_user* user_of(const socketio::socket& s) {
  return std::any_cast<socket_user>(&s.data());
}

}  // namespace chatgate::gateway
