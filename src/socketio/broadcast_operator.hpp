#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "socketio/adapter.hpp"
#include "socketio/args.hpp"

namespace chatgate::socketio {

class namespace_;
class socket;

/// A selection of sockets of one namespace (Node's BroadcastOperator): `nsp.to("a").except("b")`.
/// A value: each call returns a new operator, the original is unchanged.
class broadcast_operator {
 public:
  broadcast_operator(namespace_& nsp, broadcast_options opts)
      : nsp_(&nsp), opts_(std::move(opts)) {}

  /// Adds rooms to target (union) / to exclude.
  broadcast_operator to(std::string room) const;
  broadcast_operator to(const std::vector<std::string>& rooms) const;
  broadcast_operator in(std::string room) const { return to(std::move(room)); }
  broadcast_operator except(std::string room) const;
  broadcast_operator except(const std::vector<std::string>& rooms) const;
  /// Only this process's sockets, even with a cluster adapter.
  broadcast_operator local() const;
  /// Marks the packet as one that may be dropped (Node's volatile; see broadcast_flags).
  broadcast_operator volatile_() const;

  /// Sends the event to every selected socket; encoded once. False for a reserved event name.
  bool emit(std::string_view event, args a = {}) const;
  /// Queues a packet encoded already (shared_encodings) on this process's selected sockets.
  void emit_encoded(const encoded_packet& enc) const;

  /// The selected sockets join / leave `rooms` (Node's socketsJoin / socketsLeave).
  void sockets_join(const std::vector<std::string>& rooms) const;
  void sockets_join(std::string room) const {
    sockets_join(std::vector<std::string>{std::move(room)});
  }
  void sockets_leave(const std::vector<std::string>& rooms) const;
  void sockets_leave(std::string room) const {
    sockets_leave(std::vector<std::string>{std::move(room)});
  }
  /// Disconnects the selected sockets (Node's disconnectSockets).
  void disconnect_sockets(bool close_transport = false) const;
  /// The selected sockets of this process.
  std::vector<std::shared_ptr<socket>> fetch_sockets() const;

  const broadcast_options& options() const { return opts_; }

 private:
  namespace_* nsp_;
  broadcast_options opts_;
};

}  // namespace chatgate::socketio
