#pragma once
#include <string_view>

#include "store/model.hpp"

namespace chatgate::chat {

/// What chat_service reports after a store change succeeded, whichever side (REST or socket)
/// asked for it, after the change is durable. chat_service calls it on the thread that ran the
/// call (a store worker in the server); posting_events hands each event on to the io thread,
/// where the gateway emits the seed's socket events (seed §4.12).
class events {
 public:
  virtual ~events() = default;

  /// A message was stored (message:new).
  virtual void message_created(const store::message& m) = 0;
  /// A message's content changed (message:updated).
  virtual void message_updated(const store::message& m) = 0;
  /// A message was soft-deleted; `m` is its deleted state (message:deleted).
  virtual void message_deleted(const store::message& m) = 0;
  /// `user_id` added or removed `emoji` on `m` (its state after the change): message:reaction.
  virtual void message_reaction(const store::message& m, std::string_view user_id,
                                std::string_view emoji, bool added) = 0;
  /// A conversation was created (not for an existing direct one); every participant should
  /// join its room and get conversation:new.
  virtual void conversation_created(const store::conversation& c) = 0;
  /// `user_id` joined `c` (state after the change): conversation:joined + participant:added.
  virtual void participant_added(const store::conversation& c, std::string_view user_id) = 0;
  /// `user_id` was removed from or left `c` (state after the change, without that user):
  /// conversation:removed to the user, participant:removed to the room.
  virtual void participant_removed(const store::conversation& c, std::string_view user_id) = 0;
  /// A user marked a conversation read (contract §8): conversation:read to its room. Not pure:
  /// sinks that do not broadcast need not know it.
  virtual void conversation_read(const store::read_state& /*state*/) {}
};

/// Does nothing: for REST-only use and tests.
class null_events final : public events {
 public:
  void message_created(const store::message&) override {}
  void message_updated(const store::message&) override {}
  void message_deleted(const store::message&) override {}
  void message_reaction(const store::message&, std::string_view, std::string_view,
                        bool) override {}
  void conversation_created(const store::conversation&) override {}
  void participant_added(const store::conversation&, std::string_view) override {}
  void participant_removed(const store::conversation&, std::string_view) override {}
};

}  // namespace chatgate::chat
