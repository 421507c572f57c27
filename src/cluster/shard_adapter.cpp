#include "cluster/shard_adapter.hpp"

#include <optional>

#include <boost/asio/post.hpp>

#include "socketio/decoder.hpp"
#include "socketio/namespace_.hpp"

namespace chatgate::cluster {

using socketio::broadcast_options;

namespace {

broadcast_options as_local(broadcast_options opts) {
  opts.flags.local = true;
  return opts;
}

broadcast_options as_global(broadcast_options opts) {
  opts.flags.local = false;
  return opts;
}

/// A packet back from its encoding (a store event encoded once by whichever thread ran it
/// first: thread 0 may hold only the buffers). Null when it does not decode (it always should).
std::optional<socketio::packet> decoded(const socketio::encoded_packet& enc) {
  socketio::decoder d(enc.attachments.size());
  auto p = d.add_text(std::string_view(*enc.text));
  for (const auto& a : enc.attachments) {
    if (!p || *p) break;
    p = d.add_binary(std::string_view(*a));
  }
  if (!p || !*p) return std::nullopt;
  return std::move(**p);
}

}  // namespace

shard_adapter* shard_adapter::directory::find(std::size_t shard, const std::string& nsp) const {
  const auto& row = rows_[shard];
  const auto it = row.find(nsp);
  return it == row.end() ? nullptr : it->second;
}

shard_adapter::shard_adapter(socketio::namespace_& nsp, shard_bus& bus,
                             std::shared_ptr<directory> dir, std::size_t shard,
                             const link_factory& link)
    : in_memory_adapter(nsp), bus_(bus), dir_(std::move(dir)), shard_(shard), name_(nsp.name()) {
  dir_->rows_[shard_][name_] = this;
  if (shard_ == 0 && dir_->linked_ && link) {
    link_ = link(nsp, *this);
    // Another instance's serverSideEmit reaches this namespace's handlers (on thread 0).
    if (auto* a = dynamic_cast<socketio::adapter*>(link_.get()))
      a->on_server_side = [this](const socketio::packet& p) {
        if (on_server_side) on_server_side(p);
      };
  }
}

shard_adapter::~shard_adapter() {
  link_.reset();
  auto& row = dir_->rows_[shard_];
  if (auto it = row.find(name_); it != row.end() && it->second == this) row.erase(it);
}

socketio::adapter_factory shard_adapter::factory(shard_bus& bus, std::shared_ptr<directory> dir,
                                                 std::size_t shard, link_factory link) {
  return [&bus, dir = std::move(dir), shard, link = std::move(link)](socketio::namespace_& nsp) {
    return std::make_unique<shard_adapter>(nsp, bus, dir, shard, link);
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

void shard_adapter::to_link(std::function<void(instance_link&)> fn) {
  if (!dir_->linked_) return;
  if (shard_ == 0) {
    if (link_) fn(*link_);
    return;
  }
  // After every store event this thread had seen: thread 0 sends those first.
  bus_.relay(shard_, 0, [dir = dir_, name = name_, fn = std::move(fn)] {
    if (auto* target = dir->find(0, name); target && target->link_) fn(*target->link_);
  });
}

bool shard_adapter::store_event_here() const {
  return link_ && shard_bus::current() == shard_;
}

void shard_adapter::broadcast(const socketio::packet& p, const broadcast_options& opts) {
  // Encoded once for the whole process: every thread queues the same immutable buffers.
  auto enc = std::make_shared<const socketio::encoded_packet>(socketio::encode(p));
  in_memory_adapter::broadcast_encoded(*enc, opts);
  if (opts.flags.local) {
    if (store_event_here()) link_->send_broadcast(p, as_global(opts));
    return;
  }
  to_link([p, opts](instance_link& l) { l.send_broadcast(p, opts); });
  if (bus_.size() < 2) return;
  relay([enc, local = as_local(opts)](shard_adapter& a) {
    a.in_memory_adapter::broadcast_encoded(*enc, local);
  });
}

void shard_adapter::broadcast_encoded(const socketio::encoded_packet& enc,
                                      const broadcast_options& opts) {
  in_memory_adapter::broadcast_encoded(enc, opts);
  if (!store_event_here()) return;
  if (auto p = decoded(enc)) link_->send_broadcast(*p, as_global(opts));
}

void shard_adapter::add_sockets(const broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  in_memory_adapter::add_sockets(opts, rooms);
  if (opts.flags.local) {
    if (store_event_here()) link_->send_add_sockets(as_global(opts), rooms);
    return;
  }
  to_link([opts, rooms](instance_link& l) { l.send_add_sockets(opts, rooms); });
  if (bus_.size() < 2) return;
  relay([local = as_local(opts), rooms](shard_adapter& a) {
    a.in_memory_adapter::add_sockets(local, rooms);
  });
}

void shard_adapter::del_sockets(const broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  in_memory_adapter::del_sockets(opts, rooms);
  if (opts.flags.local) {
    if (store_event_here()) link_->send_del_sockets(as_global(opts), rooms);
    return;
  }
  to_link([opts, rooms](instance_link& l) { l.send_del_sockets(opts, rooms); });
  if (bus_.size() < 2) return;
  relay([local = as_local(opts), rooms](shard_adapter& a) {
    a.in_memory_adapter::del_sockets(local, rooms);
  });
}

void shard_adapter::disconnect_sockets(const broadcast_options& opts, bool close_transport) {
  if (opts.flags.local) {
    if (store_event_here()) link_->send_disconnect_sockets(as_global(opts), close_transport);
  } else {
    to_link([opts, close_transport](instance_link& l) {
      l.send_disconnect_sockets(opts, close_transport);
    });
  }
  in_memory_adapter::disconnect_sockets(opts, close_transport);
  if (opts.flags.local || bus_.size() < 2) return;
  relay([local = as_local(opts), close_transport](shard_adapter& a) {
    a.in_memory_adapter::disconnect_sockets(local, close_transport);
  });
}

void shard_adapter::server_side_emit(const socketio::packet& p) {
  to_link([p](instance_link& l) { l.send_server_side_emit(p); });
}

void shard_adapter::deliver(const socketio::packet& p, const broadcast_options& opts) {
  // Encoded once here for every thread; nothing goes back to the link.
  auto enc = std::make_shared<const socketio::encoded_packet>(socketio::encode(p));
  in_memory_adapter::broadcast_encoded(*enc, as_local(opts));
  relay([enc, local = as_local(opts)](shard_adapter& a) {
    a.in_memory_adapter::broadcast_encoded(*enc, local);
  });
}

void shard_adapter::remote_join(const broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  in_memory_adapter::add_sockets(as_local(opts), rooms);
  relay([local = as_local(opts), rooms](shard_adapter& a) {
    a.in_memory_adapter::add_sockets(local, rooms);
  });
}

void shard_adapter::remote_leave(const broadcast_options& opts,
                                 const std::vector<std::string>& rooms) {
  in_memory_adapter::del_sockets(as_local(opts), rooms);
  relay([local = as_local(opts), rooms](shard_adapter& a) {
    a.in_memory_adapter::del_sockets(local, rooms);
  });
}

void shard_adapter::remote_disconnect(const broadcast_options& opts, bool close_transport) {
  in_memory_adapter::disconnect_sockets(as_local(opts), close_transport);
  relay([local = as_local(opts), close_transport](shard_adapter& a) {
    a.in_memory_adapter::disconnect_sockets(local, close_transport);
  });
}

void shard_adapter::gather(each_fn each,
                           std::function<void(std::vector<boost::json::value>)> done) {
  struct state {
    std::vector<boost::json::value> values;  // on this thread only
    std::size_t left = 0;
    std::function<void(std::vector<boost::json::value>)> done;
  };
  auto st = std::make_shared<state>();
  st->values.push_back(each(*this));
  st->left = bus_.size() - 1;
  st->done = std::move(done);
  if (st->left == 0) return st->done(std::move(st->values));
  auto shared = std::make_shared<const each_fn>(std::move(each));
  auto home = bus_.executor(shard_);
  relay([shared, st, home](shard_adapter& a) {
    auto v = (*shared)(a);
    boost::asio::post(home, [st, v = std::move(v)]() mutable {
      st->values.push_back(std::move(v));
      if (--st->left == 0) st->done(std::move(st->values));
    });
  });
}

}  // namespace chatgate::cluster
