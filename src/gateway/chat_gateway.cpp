#include "gateway/chat_gateway.hpp"

namespace chatgate::gateway {

chat_gateway::chat_gateway(socketio::namespace_& nsp, chat::async_chat& chat,
                           const auth::verifier& verifier, cluster::connection_map& connections,
                           const core::clock& clock, gateway_settings settings)
    : errors_(clock),
      rooms_(chat),
      events_(nsp, rooms_, clock),
      presence_(connections),
      connections_(nsp, verifier, connections, rooms_, errors_, clock, settings),
      handlers_(chat, rooms_, errors_, clock) {
  nsp.on_connection([this](const std::shared_ptr<socketio::socket>& s) {
    // Handlers first: they refuse to act until the socket is authenticated and registered.
    handlers_.bind(*s);
    connections_.on_connection(s);
  });
}

}  // namespace chatgate::gateway
