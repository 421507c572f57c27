#pragma once
#include <memory>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "chat/chat_service.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "gateway/error_filter.hpp"
#include "gateway/room_service.hpp"
#include "gateway/socket_user.hpp"
#include "gateway/typing_service.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// The client events of seed §4.10 (message:send, message:edit, message:delete, messages:sync,
/// room:join, room:leave, ping) over chat::chat_service, which validates, checks permissions and
/// rate limits, and reports every change to the socket_events sink (which broadcasts it). A
/// handler answers its ack; every failure goes through error_filter.
class event_handlers {
 public:
  event_handlers(chat::chat_service& chat, room_service& rooms, typing_service& typing,
                 const error_filter& errors, const core::clock& clock);

  /// Registers the handlers on `s` (before authentication finishes: they refuse to act for a
  /// socket without a user).
  void bind(socketio::socket& s);

 private:
  using reply = core::result<boost::json::object>;
  using handler = reply (event_handlers::*)(socketio::socket&, const socket_user&,
                                            const boost::json::value&);

  /// Runs `h` for `event` with the first argument as payload, answering the ack or reporting.
  void handle(socketio::socket& s, std::string_view event, handler h, const socketio::args& a,
              const socketio::ack_fn& ack);

  reply send(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  reply edit(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  reply remove(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  reply sync(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  reply join(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  reply leave(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  /// typing:start / typing:stop (contract §8): participants only; ack {success: true} also when
  /// the start is throttled. The store is asked only when the user is not already typing there.
  reply typing_start(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  reply typing_stop(socketio::socket& s, const socket_user& u, const boost::json::value& payload);
  /// ping: a `pong` event, then the ack {event: "pong", timestamp}. Any payload is accepted.
  void ping(socketio::socket& s, const socketio::ack_fn& ack);

  chat::chat_service& chat_;
  room_service& rooms_;
  typing_service& typing_;
  const error_filter& errors_;
  const core::clock& clock_;
};

}  // namespace chatgate::gateway
