#include "cluster/shard_adapter.hpp"

#include "socketio/namespace_.hpp"

namespace chatgate::cluster {

using socketio::broadcast_options;

namespace {

broadcast_options as_local(broadcast_options opts) {
  opts.flags.local = true;
  return opts;
}

}  // namespace

shard_adapter* shard_adapter::directory::find(std::size_t shard, const std::string& nsp) const {
  const auto& row = rows_[shard];
  const auto it = row.find(nsp);
  return it == row.end() ? nullptr : it->second;
}

shard_adapter::shard_adapter(socketio::namespace_& nsp, shard_bus& bus,
                             std::shared_ptr<directory> dir, std::size_t shard)
    : in_memory_adapter(nsp), bus_(bus), dir_(std::move(dir)), shard_(shard), name_(nsp.name()) {
  dir_->rows_[shard_][name_] = this;
}

shard_adapter::~shard_adapter() {
  auto& row = dir_->rows_[shard_];
  if (auto it = row.find(name_); it != row.end() && it->second == this) row.erase(it);
}

socketio::adapter_factory shard_adapter::factory(shard_bus& bus, std::shared_ptr<directory> dir,
                                                 std::size_t shard) {
  return [&bus, dir = std::move(dir), shard](socketio::namespace_& nsp) {
    return std::make_unique<shard_adapter>(nsp, bus, dir, shard);
  };
}

void shard_adapter::relay(const std::function<void(shard_adapter&)>& fn) {
  auto shared = std::make_shared<const std::function<void(shard_adapter&)>>(fn);
  for (std::size_t to = 0; to < bus_.size(); ++to) {
    if (to == shard_) continue;
    ++sent_;
    // The directory outlives every shard's io_context (the app owns it, and the shards' loops
    // have stopped before it goes), so the relay reads it on the receiving thread.
    bus_.relay(shard_, to, [dir = dir_, to, name = name_, shared] {
      if (auto* target = dir->find(to, name)) {
        ++target->run_;
        (*shared)(*target);
      }
    });
  }
}

void shard_adapter::broadcast(const socketio::packet& p, const broadcast_options& opts) {
  // Encoded once for the whole process: every thread queues the same immutable buffers.
  auto enc = std::make_shared<const socketio::encoded_packet>(socketio::encode(p));
  broadcast_encoded(*enc, opts);
  if (opts.flags.local || bus_.size() < 2) return;
  relay([enc, local = as_local(opts)](shard_adapter& a) { a.broadcast_encoded(*enc, local); });
}

void shard_adapter::add_sockets(const broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  in_memory_adapter::add_sockets(opts, rooms);
  if (opts.flags.local || bus_.size() < 2) return;
  relay([local = as_local(opts), rooms](shard_adapter& a) {
    a.in_memory_adapter::add_sockets(local, rooms);
  });
}

void shard_adapter::del_sockets(const broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  in_memory_adapter::del_sockets(opts, rooms);
  if (opts.flags.local || bus_.size() < 2) return;
  relay([local = as_local(opts), rooms](shard_adapter& a) {
    a.in_memory_adapter::del_sockets(local, rooms);
  });
}

void shard_adapter::disconnect_sockets(const broadcast_options& opts, bool close_transport) {
  in_memory_adapter::disconnect_sockets(opts, close_transport);
  if (opts.flags.local || bus_.size() < 2) return;
  relay([local = as_local(opts), close_transport](shard_adapter& a) {
    a.in_memory_adapter::disconnect_sockets(local, close_transport);
  });
}

}  // namespace chatgate::cluster
