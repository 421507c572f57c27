#pragma once
#include <memory>

#include "auth/verifier.hpp"
#include "gateway/socket_user.hpp"
#include "core/clock.hpp"
#include "gateway/error_filter.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// Contract §9, expiry on live sockets: when the token of an accepted socket reaches its `exp`,
/// the socket gets `error` {code: "TOKEN_EXPIRED", message, timestamp} and a server disconnect,
/// unless `auth:refresh` {token} brought a valid token of the same user first (ack {success:
/// true, expiresAt}; another user's token or an invalid one: UNAUTHORIZED, nothing changes).
///
/// One boost::asio::steady_timer per socket, on the executor of the socket's socketio::server
/// (the io thread that owns the socket), cancelled on disconnect; a token without `exp` arms
/// none. The deadline is the token's `exp` read with core::clock, converted to the steady clock
/// when armed, so a wall-clock jump does not move it.
class token_expiry {
 public:
  token_expiry(const auth::verifier& verifier, const error_filter& errors,
               const core::clock& clock);

  /// Arms the timer for the socket's user (socket_user::expires_at) and binds auth:refresh.
  /// Call once, when the socket has been accepted (after `connected`).
  void watch(const std::shared_ptr<socketio::socket>& s);

 private:
  struct watch_state;
  void arm(watch_state& st, socketio::socket& s);
  void refresh(socketio::socket& s, watch_state& st, const socketio::args& a,
               const socketio::ack_fn& ack);
  void expire(socketio::socket& s);

  const auth::verifier& verifier_;
  const error_filter& errors_;
  const core::clock& clock_;
};

}  // namespace chatgate::gateway
