#pragma once
#include <memory>

#include "auth/verifier.hpp"
#include "core/clock.hpp"
#include "engineio/timer_queue.hpp"
#include "gateway/error_filter.hpp"
#include "gateway/socket_user.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// Contract §9, expiry on live sockets: when the token of an accepted socket reaches its `exp`,
/// the socket gets `error` {code: "TOKEN_EXPIRED", message, timestamp} and a server disconnect,
/// unless `auth:refresh` {token} brought a valid token of the same user first (ack {success:
/// true, expiresAt}; another user's token or an invalid one: UNAUTHORIZED, nothing changes).
///
/// One engineio::timer_queue (one asio timer) for every socket, on the executor of the sockets'
/// socketio::server (the io thread that owns them): an entry per armed socket holding only a
/// weak reference, so a socket that is gone leaves nothing that fires; a token without `exp`
/// arms none. auth:refresh is one handler on the namespace. The deadline is the token's `exp`
/// read with core::clock, converted to the steady clock when armed, so a wall-clock jump does
/// not move it.
class token_expiry {
 public:
  token_expiry(boost::asio::any_io_executor executor, const auth::verifier& verifier,
               const error_filter& errors, const core::clock& clock);

  /// Registers auth:refresh on the namespace (once, for every watched socket).
  void bind(socketio::namespace_& nsp);
  /// Arms the deadline of the socket's user (socket_user::expires_at) and serves its
  /// auth:refresh. Call once, when the socket has been accepted (after `connected`).
  void watch(const std::shared_ptr<socketio::socket>& s);
  /// Entries held (stale ones included until due), for tests.
  std::size_t queued() const { return timers_.size(); }

 private:
  void arm(socketio::socket& s);
  void refresh(socketio::socket& s, const socketio::args& a, const socketio::ack_fn& ack);
  void expire(socketio::socket& s);
  void on_due(const std::shared_ptr<void>& owner, engineio::timer_queue::time_point at);

  const auth::verifier& verifier_;
  const error_filter& errors_;
  const core::clock& clock_;
  engineio::timer_queue timers_;
};

}  // namespace chatgate::gateway
