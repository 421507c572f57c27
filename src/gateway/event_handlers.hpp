#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "chat/async_chat.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "gateway/error_filter.hpp"
#include "gateway/room_service.hpp"
#include "gateway/typing_service.hpp"
#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// The client events of seed §4.10 (message:send, message:edit, message:delete, messages:sync,
/// room:join, room:leave, ping; and typing:start/stop of contract §8) over chat::async_chat, which
/// validates, checks permissions and rate limits on a store worker, and reports every change to the
/// socket_events sink (which broadcasts it). A handler answers its ack once the store answered;
/// every failure goes through error_filter. A socket that disconnected meanwhile gets nothing (its
/// sends are dropped) and joins nothing.
class event_handlers {
 public:
  event_handlers(chat::async_chat& chat, room_service& rooms, typing_service& typing,
                 const error_filter& errors, const core::clock& clock);

  /// Registers the handlers once on the namespace, for every socket (they refuse to act for a
  /// socket without a user). The namespace must not outlive this object's use.
  void bind(socketio::namespace_& nsp);

 private:
  using reply = core::result<socketio::args>;  // the ack's arguments
  using done_fn = std::function<void(reply)>;
  using socket_ptr = std::shared_ptr<socketio::socket>;
  using handler = void (event_handlers::*)(const socket_ptr&, const std::string& user,
                                           const boost::json::value&, done_fn);

  /// Runs `h` for `event` with the first argument as payload, answering the ack or reporting.
  void handle(socketio::socket& s, std::string_view event, handler h, const socketio::args& a,
              const socketio::ack_fn& ack);

  void send(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
            done_fn done);
  void edit(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
            done_fn done);
  void remove(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
              done_fn done);
  void sync(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
            done_fn done);
  void join(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
            done_fn done);
  void leave(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
             done_fn done);
  /// typing:start / typing:stop (contract §8): participants only; ack {success: true} also when
  /// the start is throttled. The store is asked only when the user is not already typing there.
  void typing_start(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
                    done_fn done);
  void typing_stop(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
                   done_fn done);
  /// conversation:read {conversationId, seq} (contract §8): ack {success: true, data: {...}};
  /// the room gets conversation:read through socket_events.
  void mark_read(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
                 done_fn done);
  /// message:react / message:unreact {messageId, emoji} (contract §8): ack {success, message}.
  void react(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
             done_fn done);
  void unreact(const socket_ptr& s, const std::string& user, const boost::json::value& payload,
               done_fn done);
  /// Acks {success: true, message} or passes the failure on.
  static chat::async_chat::callback<store::message> message_answer(done_fn done);
  /// ping: a `pong` event, then the ack {event: "pong", timestamp}. Any payload is accepted.
  void ping(socketio::socket& s, const socketio::ack_fn& ack);

  chat::async_chat& chat_;
  room_service& rooms_;
  typing_service& typing_;
  const error_filter& errors_;
  const core::clock& clock_;
};

}  // namespace chatgate::gateway
