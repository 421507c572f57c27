#include "gateway/chat_gateway.hpp"

#include "socketio/server.hpp"

namespace chatgate::gateway {

chat_gateway::chat_gateway(socketio::namespace_& nsp, chat::async_chat& chat,
                           const auth::verifier& verifier, cluster::connection_map& connections,
                           const core::clock& clock, gateway_settings settings)
    : nsp_(nsp),
      errors_(clock),
      rooms_(chat),
      typing_(nsp, connections, clock, settings.typing),
      events_(nsp, rooms_, clock, &typing_, settings.local_events),
      presence_(connections),
      expiry_(nsp.owner().executor(), verifier, errors_, clock),
      connections_(nsp, verifier, connections, rooms_, errors_, clock, expiry_, settings),
      handlers_(chat, rooms_, typing_, errors_, clock),
      admin_(nsp) {
  // Once for the namespace, not per socket. The handlers refuse to act until a socket is
  // authenticated and registered; disconnects reach typing first, then the connection map.
  handlers_.bind(nsp);
  typing_.bind(nsp);
  connections_.bind(nsp);
  expiry_.bind(nsp);
  nsp.on_connection(
      [this](const std::shared_ptr<socketio::socket>& s) { connections_.on_connection(s); });
  if (settings.recovery.window > std::chrono::milliseconds::zero()) {
    recovery_ = std::make_unique<recovery_sessions>(
        nsp.owner().executor(), chat,
        [this](const socketio::handshake& hs) { return connections_.authenticate(hs); },
        settings.recovery);
    connections_.set_recovery(recovery_.get());
    nsp.owner().set_session_store(recovery_.get());
    recovery_->start();
  }
}

chat_gateway::~chat_gateway() {
  if (recovery_) nsp_.owner().set_session_store(nullptr);
}

}  // namespace chatgate::gateway
