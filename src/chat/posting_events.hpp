#pragma once
#include <functional>

#include "chat/events.hpp"

namespace chatgate::chat {

/// Schedules a closure on the thread that owns the sockets (asio::post to the io context in the
/// server; a direct call in unit tests). Thread-safe.
using poster = std::function<void(std::function<void()>)>;

/// The events sink the store workers' chat_services report to: each event is copied and posted
/// to the io thread, where `target` (the gateway) broadcasts it. A worker posts an event before
/// the answer of the call that caused it, and a poster keeps order, so a sender's ack never
/// overtakes the broadcast of its message, and one conversation's events keep seq order.
class posting_events final : public events {
 public:
  posting_events(events& target, poster post) : target_(target), post_(std::move(post)) {}

  void message_created(const store::message& m) override;
  void message_updated(const store::message& m) override;
  void message_deleted(const store::message& m) override;
  void message_reaction(const store::message& m, std::string_view user_id, std::string_view emoji,
                        bool added) override;
  void conversation_created(const store::conversation& c) override;
  void participant_added(const store::conversation& c, std::string_view user_id) override;
  void participant_removed(const store::conversation& c, std::string_view user_id) override;
  void conversation_read(const store::read_state& state) override;

 private:
  void post(std::function<void()> f);

  events& target_;
  poster post_;
};

}  // namespace chatgate::chat
