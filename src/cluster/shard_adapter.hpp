#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

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
class shard_adapter final : public socketio::in_memory_adapter {
 public:
  /// Which adapter serves each namespace on each thread. Row k is written and read on thread k
  /// only (an adapter registers itself there, and relays to thread k read it there).
  class directory {
   public:
    explicit directory(std::size_t shards) : rows_(shards) {}
    shard_adapter* find(std::size_t shard, const std::string& nsp) const;

   private:
    friend class shard_adapter;
    std::vector<std::map<std::string, shard_adapter*>> rows_;
  };

  /// The adapter of `nsp` on thread `shard`; build it on that thread.
  shard_adapter(socketio::namespace_& nsp, shard_bus& bus, std::shared_ptr<directory> dir,
                std::size_t shard);
  ~shard_adapter() override;

  /// A factory for socketio::server::set_adapter on thread `shard`.
  static socketio::adapter_factory factory(shard_bus& bus, std::shared_ptr<directory> dir,
                                           std::size_t shard);

  void broadcast(const socketio::packet& p, const socketio::broadcast_options& opts) override;
  void add_sockets(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override;
  void del_sockets(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override;
  void disconnect_sockets(const socketio::broadcast_options& opts, bool close_transport) override;

  /// Relays sent from here / run here (this thread only).
  std::uint64_t relays_sent() const { return sent_; }
  std::uint64_t relays_run() const { return run_; }

 private:
  /// Runs `fn(adapter)` on every other thread's adapter of this namespace.
  void relay(const std::function<void(shard_adapter&)>& fn);

  shard_bus& bus_;
  std::shared_ptr<directory> dir_;
  std::size_t shard_;
  std::string name_;
  std::uint64_t sent_ = 0;
  std::uint64_t run_ = 0;
};

}  // namespace chatgate::cluster
