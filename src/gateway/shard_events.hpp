#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "chat/events.hpp"

namespace chatgate::gateway {

/// The store events' sink with several io threads (IO_THREADS > 1): the store workers'
/// posting_events publish each event through cluster::shard_bus, which runs it once on every
/// thread; this forwards it there to that thread's gateway (targets[shard_bus::current()]),
/// whose socket_events emit it to that thread's sockets only (local flag). So every socket gets
/// each event exactly once, every thread sees the events in the same order, and a sender's ack
/// (posted by the worker after the event) never overtakes the broadcast on the sender's thread.
class shard_events final : public chat::events {
 public:
  /// `shards` threads, each with no sink yet (events are dropped there until set_target).
  explicit shard_events(std::size_t shards) : targets_(shards, nullptr) {}
  /// The sink of thread `shard`, called on that thread only. Set before the threads run.
  void set_target(std::size_t shard, chat::events* sink) { targets_.at(shard) = sink; }

  void message_created(const store::message& m) override { here().message_created(m); }
  void message_updated(const store::message& m) override { here().message_updated(m); }
  void message_deleted(const store::message& m) override { here().message_deleted(m); }
  void message_reaction(const store::message& m, std::string_view user_id, std::string_view emoji,
                        bool added) override {
    here().message_reaction(m, user_id, emoji, added);
  }
  void conversation_created(const store::conversation& c) override {
    here().conversation_created(c);
  }
  void participant_added(const store::conversation& c, std::string_view user_id) override {
    here().participant_added(c, user_id);
  }
  void participant_removed(const store::conversation& c, std::string_view user_id) override {
    here().participant_removed(c, user_id);
  }
  void conversation_read(const store::read_state& state) override {
    here().conversation_read(state);
  }

 private:
  /// The sink of the thread running the published event; a null sink outside one.
  chat::events& here();

  std::vector<chat::events*> targets_;
  chat::null_events none_;
};

}  // namespace chatgate::gateway
