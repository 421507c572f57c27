#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "socketio/adapter.hpp"

namespace chatgate::cluster {

/// This process's sockets of one namespace, as a cluster adapter (redis::redis_adapter) acts on
/// them for the other instances: a frame delivered, a REMOTE_JOIN applied, a REMOTE_FETCH
/// answered. With one io thread that is the adapter's own rooms; with several (IO_THREADS > 1)
/// cluster::shard_adapter on thread 0 implements it, and each operation runs on every thread,
/// each on its own sockets.
///
/// Threads: called on the cluster adapter's thread. A callback runs there exactly once, inside
/// the call (one thread) or later (several: once every thread answered).
class process_sockets {
 public:
  /// Runs on each io thread, with that thread's adapter of the namespace; what it returns is
  /// gathered.
  using each_fn = std::function<boost::json::value(socketio::adapter&)>;

  virtual ~process_sockets() = default;

  /// Delivers `p` to the sockets `opts` selects on every thread (another instance's broadcast).
  virtual void deliver(const socketio::packet& p, const socketio::broadcast_options& opts) = 0;
  /// Another instance's sockets_join / sockets_leave / disconnect_sockets (REMOTE_JOIN,
  /// REMOTE_LEAVE, REMOTE_DISCONNECT), on every thread.
  virtual void remote_join(const socketio::broadcast_options& opts,
                           const std::vector<std::string>& rooms) = 0;
  virtual void remote_leave(const socketio::broadcast_options& opts,
                            const std::vector<std::string>& rooms) = 0;
  virtual void remote_disconnect(const socketio::broadcast_options& opts, bool close_transport) = 0;
  /// False only when no socket of this process is in `room` (a frame for it is then dropped
  /// before it is decoded). Several threads: true (the other threads' rooms are theirs).
  virtual bool may_hold(std::string_view room) const = 0;
  /// Runs `each` on every thread (on that thread); `done` gets every thread's value.
  virtual void gather(each_fn each, std::function<void(std::vector<boost::json::value>)> done) = 0;
};

}  // namespace chatgate::cluster
