// socket's part of connection state recovery (session_store.hpp).
#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {

void socket::set_recovery(std::string pid, std::optional<restored_session> restored) {
  pid_ = std::move(pid);
  recovered_ = restored.has_value();
  restored_ = std::move(restored);
}

void socket::replay_restored() {
  if (!restored_) return;
  auto restored = std::move(*restored_);
  restored_.reset();
  join(restored.rooms);
  // Before the CONNECT answer, as Node does: the client holds them until it is connected and
  // emits them before `connect`, in this order.
  for (auto& m : restored.missed)
    send_packet(make_event_packet(nsp_.name(), m.name, std::move(m.arguments)));
}

}  // namespace chatgate::socketio
