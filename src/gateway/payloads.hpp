#pragma once
#include <cstddef>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "chat/chat_service.hpp"
#include "core/clock.hpp"
#include "socketio/args.hpp"
#include "store/model.hpp"

namespace chatgate::gateway {

/// The JSON of every server -> client event and ack of the gateway (seed "WebSocket Events
/// Reference", contract §6), as pure functions so they are tested without sockets.
class payloads {
 public:
  /// `connected` {userId, socketId, rooms, timestamp}.
  static boost::json::object connected(std::string_view user_id, std::string_view socket_id,
                                       std::size_t rooms, core::sys_time_ms now);
  /// `user:online` / `user:offline` {userId, conversationId, timestamp}.
  static boost::json::object presence(std::string_view user_id, std::string_view conversation_id,
                                      core::sys_time_ms now);
  /// `message:updated` {messageId, content, isEdited, updatedAt, conversationId}.
  static boost::json::object message_updated(const store::message& m);
  /// message:reaction {messageId, conversationId, userId, emoji, action: "added" | "removed",
  /// reactions} (contract §8); `m` is the message after the change.
  static boost::json::object message_reaction(const store::message& m, std::string_view user_id,
                                              std::string_view emoji, bool added);
  /// `message:deleted` {messageId, conversationId, deletedAt}.
  static boost::json::object message_deleted(const store::message& m);
  /// `participant:added` / `participant:removed` {conversationId, userId, timestamp}.
  static boost::json::object participant(std::string_view conversation_id, std::string_view user_id,
                                         core::sys_time_ms now);
  /// `conversation:removed` {conversationId}.
  static boost::json::object conversation_removed(std::string_view conversation_id);

  /// Acks: message:send / message:edit {success, message}.
  static boost::json::object message_ack(const store::message& m);
  /// The same ack as arguments already written as JSON text (socketio::args::encoded): no JSON
  /// value is built for it. Byte for byte what message_ack's would encode to.
  static socketio::args message_ack_args(const store::message& m);
  /// message:delete / room:leave {success: true}.
  static boost::json::object success_ack();
  /// room:join {success, room: conversationId}.
  static boost::json::object room_ack(std::string_view conversation_id);
  /// messages:sync {success, messages, hasMore}.
  static boost::json::object sync_ack(const chat::sync_result& r);
  /// ping's ack {event: "pong", timestamp: ms since the epoch}.
  static boost::json::object pong_ack(core::sys_time_ms now);
  /// The `pong` event {timestamp: ms since the epoch}.
  static boost::json::object pong_event(core::sys_time_ms now);

  /// Event arguments holding the one value `v`.
  static socketio::args one(boost::json::value v);
};

}  // namespace chatgate::gateway
