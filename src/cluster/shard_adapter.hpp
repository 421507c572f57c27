#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/instance_link.hpp"
#include "cluster/process_sockets.hpp"
#include "cluster/shard_bus.hpp"
#include "socketio/in_memory_adapter.hpp"

namespace chatgate::cluster {

/// A namespace's adapter on one io thread of several (IO_THREADS > 1): rooms are per thread, as
/// the sockets are. A broadcast (`nsp.to(room).emit`), sockets_join / sockets_leave and
/// disconnect_sockets run on this thread's sockets, then are relayed through the shard_bus to
/// the same namespace on every other thread, which runs them on its own sockets only (local
/// flag). A broadcast is encoded once, and every thread queues the same immutable buffers. With
/// `flags.local` nothing is relayed: the chat gateway's store events (message:new, ...) reach every
/// thread through the bus already.
///
/// Other instances (REDIS_URL): thread 0's adapter owns the namespace's instance_link (the Redis
/// adapter) and is the process's side of it (process_sockets). An operation without the local
/// flag, on any thread, is also sent through the link once: from thread 0 at once, from another
/// thread as a relay to thread 0 (so it leaves after every store event its sender had seen, in
/// the sender's order). A store event runs on every thread with the local flag: thread 0's run
/// also sends it through the link (its emits and room changes), so every other instance gets it
/// once. What arrives through the link is delivered on thread 0 and relayed to the others (local).
class shard_adapter final : public socketio::in_memory_adapter, public process_sockets {
 public:
  /// Which adapter serves each namespace on each thread. Row k is written and read on thread k
  /// only (an adapter registers itself there, and relays to thread k read it there).
  class directory {
   public:
    /// `linked`: thread 0's adapters have an instance_link (every thread forwards to it).
    explicit directory(std::size_t shards, bool linked = false) : rows_(shards), linked_(linked) {}
    shard_adapter* find(std::size_t shard, const std::string& nsp) const;

   private:
    friend class shard_adapter;
    std::vector<std::map<std::string, shard_adapter*>> rows_;
    bool linked_;  // set before the threads run, read only
  };

  /// Makes thread 0's link of a namespace, given the process side it delivers to.
  using link_factory =
      std::function<std::unique_ptr<instance_link>(socketio::namespace_&, process_sockets&)>;

  /// The adapter of `nsp` on thread `shard`; build it on that thread. `link` only on thread 0
  /// of a directory made `linked`.
  shard_adapter(socketio::namespace_& nsp, shard_bus& bus, std::shared_ptr<directory> dir,
                std::size_t shard, const link_factory& link = {});
  ~shard_adapter() override;

  /// A factory for socketio::server::set_adapter on thread `shard`.
  static socketio::adapter_factory factory(shard_bus& bus, std::shared_ptr<directory> dir,
                                           std::size_t shard, link_factory link = {});

  /// Thread 0's link (null elsewhere, and without REDIS_URL).
  instance_link* link() const { return link_.get(); }

  void broadcast(const socketio::packet& p, const socketio::broadcast_options& opts) override;
  void add_sockets(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override;
  void del_sockets(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override;
  void disconnect_sockets(const socketio::broadcast_options& opts, bool close_transport) override;
  /// A store event's emit (local flag); on thread 0, inside the event, also sent to the link.
  void broadcast_encoded(const socketio::encoded_packet& enc,
                         const socketio::broadcast_options& opts) override;
  void server_side_emit(const socketio::packet& p) override;

  // process_sockets (thread 0, for the link): every thread's sockets.
  void deliver(const socketio::packet& p, const socketio::broadcast_options& opts) override;
  void remote_join(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override;
  void remote_leave(const socketio::broadcast_options& opts,
                    const std::vector<std::string>& rooms) override;
  void remote_disconnect(const socketio::broadcast_options& opts, bool close_transport) override;
  bool may_hold(std::string_view) const override { return true; }
  void gather(each_fn each, std::function<void(std::vector<boost::json::value>)> done) override;

  /// Relays sent from here / run here (this thread only).
  std::uint64_t relays_sent() const { return sent_; }
  std::uint64_t relays_run() const { return run_; }

 private:
  /// Runs `fn(adapter)` on every other thread's adapter of this namespace.
  void relay(const std::function<void(shard_adapter&)>& fn);
  /// Runs `fn(link)` on thread 0's link: here at once, from another thread as a relay (no-op
  /// without a link).
  void to_link(std::function<void(instance_link&)> fn);
  /// Inside a store event that thread 0 runs: its local emits go to the other instances too.
  bool store_event_here() const;

  shard_bus& bus_;
  std::shared_ptr<directory> dir_;
  std::size_t shard_;
  std::string name_;
  std::uint64_t sent_ = 0;
  std::uint64_t run_ = 0;
  std::unique_ptr<instance_link> link_;  // thread 0 with REDIS_URL
};

}  // namespace chatgate::cluster
