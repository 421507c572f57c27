#pragma once
#include <functional>
#include <string_view>

#include "chat/events.hpp"
#include "core/clock.hpp"
#include "gateway/room_service.hpp"
#include "socketio/namespace_.hpp"

namespace chatgate::gateway {
class typing_service;
}

namespace chatgate::gateway {

/// Turns store changes, whether REST or a socket asked for them, into the seed's socket events
/// (§4.12, contract §6). Room changes go through the namespace's adapter (sockets_join /
/// sockets_leave on `user:{id}`), so they reach sockets held by any instance the adapter reaches,
/// and each is ordered with its events: a member joins the room before `conversation:new` /
/// `conversation:joined`, and leaves it only after `conversation:removed`, after which no event
/// of that conversation reaches it.
class socket_events final : public chat::events {
 public:
  /// `typing` (optional) hears of messages and removals: they end the user's typing there.
  /// `local`: every io thread gets every store event (IO_THREADS > 1, through the shard bus), so
  /// each emits and joins rooms on its own sockets only; relaying too would deliver twice.
  socket_events(socketio::namespace_& nsp, room_service& rooms, const core::clock& clock,
                typing_service* typing = nullptr, bool local = false)
      : nsp_(nsp), rooms_(rooms), clock_(clock), typing_(typing), local_(local) {}

  /// `message:new` (the full message) to the conversation room.
  void message_created(const store::message& m) override;
  /// `message:updated` {messageId, content, isEdited, updatedAt, conversationId}.
  void message_updated(const store::message& m) override;
  /// `message:deleted` {messageId, conversationId, deletedAt}.
  void message_deleted(const store::message& m) override;
  /// conversation:read to the conversation's room (contract §8).
  void conversation_read(const store::read_state& state) override;
  /// `message:reaction` {messageId, conversationId, userId, emoji, action, reactions} to the
  /// room, through the same room broadcast as `message:updated` (contract §8).
  void message_reaction(const store::message& m, std::string_view user_id, std::string_view emoji,
                        bool added) override;
  /// Every participant's sockets join the room, then get `conversation:new`.
  void conversation_created(const store::conversation& c) override;
  /// The user's sockets join, get `conversation:joined`; the room gets `participant:added`.
  void participant_added(const store::conversation& c, std::string_view user_id) override;
  /// The room (the user still in it) gets `participant:removed`, the user
  /// `conversation:removed`, then the user's sockets leave the room.
  void participant_removed(const store::conversation& c, std::string_view user_id) override;

  /// The arguments of a recoverable event (contract §8): `payload`, then the offset of the
  /// event in the recovery log when it was logged (RECOVERY_WINDOW_MS > 0).
  static socketio::args recoverable(boost::json::value payload, const store::message& m);

 private:
  /// nsp_.to(...), local() when local_.
  socketio::broadcast_operator to(std::string room) const;
  socketio::broadcast_operator to(const std::vector<std::string>& rooms) const;
  /// `op.emit(event, make_args())`; with local_, inside a store event the shard bus runs on
  /// every io thread, the packet is built and encoded by the first thread only and the others
  /// queue its buffers (socketio::shared_encodings).
  void emit(const socketio::broadcast_operator& op, std::string_view event,
            const std::function<socketio::args()>& make_args) const;

  socketio::namespace_& nsp_;
  room_service& rooms_;
  const core::clock& clock_;
  typing_service* typing_;
  bool local_;
};

}  // namespace chatgate::gateway
