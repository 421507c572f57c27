// socket's part of connection state recovery (session_store.hpp).
#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {

void socket::set_recovery(std::string pid, std::optional<restored_session> restored) {
  recovered_ = restored.has_value();
  if (pid.empty() && !restored) return;  // recovery off: nothing to keep
  auto& r = rare_state();
  r.pid = std::move(pid);
  r.restored = std::move(restored);
}

void socket::replay_restored() {
  if (!rare_ || !rare_->restored) return;
  auto restored = std::move(*rare_->restored);
  rare_->restored.reset();
  join(restored.rooms);
  // Before the CONNECT answer, as Node does: the client holds them until it is connected and
  // emits them before `connect`, in this order.
  for (auto& m : restored.missed)
    send_packet(make_event_packet(nsp_.name(), m.name, std::move(m.arguments)));
}

}  // namespace chatgate::socketio
