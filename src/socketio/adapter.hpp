#pragma once
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "socketio/packet.hpp"

namespace chatgate::socketio {

class namespace_;
class socket;

/// Flags of a broadcast (Node's BroadcastFlags).
struct broadcast_flags {
  /// Only sockets of this process, even with a cluster adapter.
  bool local = false;
  /// May be dropped (accepted for API parity; every packet is queued today).
  bool volatile_ = false;
};

/// Which sockets an operation targets: in any of `rooms` (all sockets when empty), and in none
/// of `except`. A socket is always in the room named after its id.
struct broadcast_options {
  std::set<std::string, std::less<>> rooms;
  std::set<std::string, std::less<>> except;
  broadcast_flags flags;
};

/// A namespace's room registry and broadcaster (Node's socket.io-adapter). One per namespace.
/// `in_memory_adapter` is the default; a cluster adapter (src/cluster) derives from it and also
/// forwards operations to the other instances: every method whose effect is not purely local
/// is virtual and takes plain data (packet, options), so it can be serialised and replayed
/// remotely with `apply_remote_*` below.
class adapter {
 public:
  virtual ~adapter() = default;

  /// Socket `id` joins `rooms`.
  virtual void add_all(const std::string& id, const std::vector<std::string>& rooms) = 0;
  /// Socket `id` leaves `room`.
  virtual void del(const std::string& id, std::string_view room) = 0;
  /// Socket `id` leaves every room (disconnect).
  virtual void del_all(const std::string& id) = 0;

  /// Sends `p` to the sockets `opts` selects. The packet is encoded once and the same buffers
  /// are queued on every recipient.
  virtual void broadcast(const packet& p, const broadcast_options& opts) = 0;
  /// Queues an already encoded packet on this process's sockets `opts` selects, as if
  /// `opts.flags.local` (a store event every io thread emits, encoded once: shared_encodings).
  virtual void broadcast_encoded(const encoded_packet& enc, const broadcast_options& opts) = 0;
  /// Ids of local sockets in any of `rooms` (all when empty).
  virtual std::set<std::string> sockets(const std::set<std::string, std::less<>>& rooms) const = 0;
  /// Rooms socket `id` is in (empty if unknown).
  virtual std::set<std::string> socket_rooms(std::string_view id) const = 0;

  /// Makes the selected sockets join / leave `rooms` (Node's addSockets / delSockets).
  virtual void add_sockets(const broadcast_options& opts,
                           const std::vector<std::string>& rooms) = 0;
  virtual void del_sockets(const broadcast_options& opts,
                           const std::vector<std::string>& rooms) = 0;
  /// Disconnects the selected sockets (Node's disconnectSockets).
  virtual void disconnect_sockets(const broadcast_options& opts, bool close_transport) = 0;
  /// The selected sockets of this process (Node's fetchSockets, local part).
  virtual std::vector<std::shared_ptr<socket>> fetch_sockets(
      const broadcast_options& opts) const = 0;

  /// Names of all rooms known locally (socket-id rooms included).
  virtual std::vector<std::string> rooms() const = 0;
  /// Number of local sockets in `room` (0 if none).
  virtual std::size_t room_size(std::string_view room) const = 0;

  /// Sends an event to the other server instances' namespaces of the same name (Node's
  /// serverSideEmit). The in-memory adapter has no other instance: a no-op.
  virtual void server_side_emit(const packet& p) { (void)p; }
  /// Called by a cluster adapter when another instance's server_side_emit arrives; the
  /// namespace dispatches it to its server-side handlers (namespace_::on_server_side).
  std::function<void(const packet& p)> on_server_side;
};

/// Makes the adapter of a namespace (Node's `io.adapter(...)`).
using adapter_factory = std::function<std::unique_ptr<adapter>(namespace_& nsp)>;

}  // namespace chatgate::socketio
