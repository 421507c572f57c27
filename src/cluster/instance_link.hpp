#pragma once
#include <string>
#include <vector>

#include "socketio/adapter.hpp"

namespace chatgate::cluster {

/// A namespace's way to the other instances (REDIS_URL: redis::redis_adapter), used by the io
/// thread that holds it when there are several (cluster::shard_adapter on thread 0). Each call
/// only sends: nothing is delivered to this process's sockets, the caller did that already.
class instance_link {
 public:
  virtual ~instance_link() = default;

  /// The broadcast `p` to every other instance's sockets `opts` selects.
  virtual void send_broadcast(const socketio::packet& p,
                              const socketio::broadcast_options& opts) = 0;
  /// sockets_join / sockets_leave / disconnect_sockets on every other instance.
  virtual void send_add_sockets(const socketio::broadcast_options& opts,
                                const std::vector<std::string>& rooms) = 0;
  virtual void send_del_sockets(const socketio::broadcast_options& opts,
                                const std::vector<std::string>& rooms) = 0;
  virtual void send_disconnect_sockets(const socketio::broadcast_options& opts,
                                       bool close_transport) = 0;
  /// Node's serverSideEmit to the other instances.
  virtual void send_server_side_emit(const socketio::packet& p) = 0;
};

}  // namespace chatgate::cluster
