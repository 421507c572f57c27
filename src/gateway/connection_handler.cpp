#include "gateway/connection_handler.hpp"

#include <spdlog/spdlog.h>

#include "auth/bearer.hpp"
#include "gateway/payloads.hpp"
#include "gateway/socket_user.hpp"

namespace chatgate::gateway {

connection_handler::connection_handler(socketio::namespace_& nsp, const auth::verifier& verifier,
                                       cluster::connection_map& connections, room_service& rooms,
                                       const error_filter& errors, const core::clock& clock,
                                       token_expiry& expiry, gateway_settings settings)
    : nsp_(nsp),
      verifier_(verifier),
      connections_(connections),
      rooms_(rooms),
      errors_(errors),
      clock_(clock),
      expiry_(expiry),
      settings_(settings) {}

std::optional<std::string> connection_handler::extract_token(const socketio::handshake& hs) {
  if (auto it = hs.auth.find("token"); it != hs.auth.end()) {
    if (const auto* s = it->value().if_string(); s && !s->empty()) return std::string(*s);
  }
  if (auto token = hs.query().find("token"); token && !token->empty()) return std::string(*token);
  if (auto header = hs.headers().find("authorization"))
    if (auto token = auth::bearer_token(*header)) return std::string(*token);
  return std::nullopt;
}

core::result<auth::identity> connection_handler::authenticate(const socketio::handshake& hs) const {
  auto token = extract_token(hs);
  if (!token)
    return core::make_error(core::error_code::unauthorized, "Missing authentication token");
  auto id = verifier_.verify(*token, clock_.now());
  if (!id) return core::make_error(core::error_code::unauthorized, "Invalid authentication token");
  return id;
}

void connection_handler::bind(socketio::namespace_& nsp) {
  nsp.on_socket_disconnect(
      [this, alive = std::weak_ptr<bool>(alive_)](socketio::socket& s, std::string_view reason) {
        if (alive.lock()) on_disconnect(s, reason);
      });
}

void connection_handler::on_connection(const std::shared_ptr<socketio::socket>& s) {
  auto id = authenticate(s->handshake());
  if (!id) {
    spdlog::warn("gateway: socket {} from {} refused: {}", s->id(), s->handshake().address(),
                 id.error().message);
    return refuse(*s, id.error());
  }
  // The session stops counting against MAX_UNAUTHENTICATED_SESSIONS.
  if (auto conn = s->conn()) conn->mark_authenticated();
  // Checked: not kept for the socket's life (~200 bytes per socket, and a credential less in
  // memory). Node keeps it in socket.handshake.auth; here REMOTE_FETCH answers lack it.
  s->forget_auth("token");
  s->data() = socket_user{id->user_id, clock_.now(), false, id->expires_at};
  connections_.register_connection(
      s->id(), id->user_id, [this, alive = std::weak_ptr<bool>(alive_), s](std::size_t count) {
        if (alive.lock()) on_registered(s, count);
      });
}

void connection_handler::on_registered(const std::shared_ptr<socketio::socket>& s,
                                       std::size_t count) {
  auto* user = user_of(*s);
  if (!user) return;
  if (!s->connected()) {
    // Gone while the map answered (networked map): undo, nobody saw this socket online.
    connections_.remove_connection(s->id(), user->user_id, [](std::size_t) {});
    return;
  }
  user->registered = true;
  const auto limit = settings_.max_connections_per_user;
  if (limit > 0 && count > static_cast<std::size_t>(limit)) {
    spdlog::warn("gateway: user {} over {} connections, socket {} refused", user->user_id, limit,
                 s->id());
    return refuse(*s, core::make_error(core::error_code::connection_error,
                                       "Too many connections for this user (max " +
                                           std::to_string(limit) + ")"));
  }
  rooms_.join_user_rooms(s, user->user_id,
                         [this, alive = std::weak_ptr<bool>(alive_), s,
                          count](core::result<std::vector<std::string>> conversations) {
                           if (alive.lock()) on_rooms_joined(s, count, std::move(conversations));
                         });
}

void connection_handler::on_rooms_joined(const std::shared_ptr<socketio::socket>& s,
                                         std::size_t count,
                                         core::result<std::vector<std::string>> conversations) {
  auto* user = user_of(*s);
  if (!user || !s->connected()) return;  // gone meanwhile: on_disconnect cleaned up
  if (!conversations) {
    spdlog::error("gateway: socket {} user {}: cannot load conversations: {}", s->id(),
                  user->user_id, conversations.error().message);
    return refuse(
        *s, core::make_error(core::error_code::connection_error, "Failed to establish connection"));
  }
  spdlog::debug("gateway: user {} connected, socket {}, {} rooms", user->user_id, s->id(),
                conversations->size() + 1);
  s->emit("connected", payloads::one(payloads::connected(user->user_id, s->id(),
                                                         conversations->size() + 1, clock_.now())));
  expiry_.watch(s);
  if (recovery_) recovery_->opened(*s, user->user_id);
  if (count == 1) broadcast_presence("user:online", user->user_id, *conversations);
}

void connection_handler::on_disconnect(socketio::socket& s, std::string_view reason) {
  if (recovery_) recovery_->closed(s, reason);
  auto* user = user_of(s);
  if (!user || !user->registered) return;
  user->registered = false;
  connections_.remove_connection(
      s.id(), user->user_id,
      [this, alive = std::weak_ptr<bool>(alive_), user_id = user->user_id](std::size_t left) {
        if (!alive.lock() || left > 0) return;
        rooms_.conversation_ids(
            user_id, [this, alive, user_id](core::result<std::vector<std::string>> conversations) {
              if (!alive.lock()) return;
              if (!conversations) {
                spdlog::error("gateway: user {} offline, cannot load conversations: {}", user_id,
                              conversations.error().message);
                return;
              }
              broadcast_presence("user:offline", user_id, *conversations);
            });
      });
}

void connection_handler::announce_offline(const std::string& user) {
  rooms_.conversation_ids(user, [this, alive = std::weak_ptr<bool>(alive_),
                                 user](core::result<std::vector<std::string>> conversations) {
    if (!alive.lock()) return;
    if (!conversations) {
      spdlog::error("gateway: user {} offline (swept), cannot load conversations: {}", user,
                    conversations.error().message);
      return;
    }
    broadcast_presence("user:offline", user, *conversations);
  });
}

void connection_handler::refuse(socketio::socket& s, const core::error& e) {
  if (auto* user = user_of(s); user && user->registered) {
    user->registered = false;
    connections_.remove_connection(s.id(), user->user_id, [](std::size_t) {});
  }
  s.emit("error", payloads::one(errors_.error_event(e, {})));
  s.disconnect();
}

void connection_handler::broadcast_presence(std::string_view event, const std::string& user,
                                            const std::vector<std::string>& conversation_ids) {
  const auto now = clock_.now();
  const auto own = room_service::user_room(user);
  for (const auto& id : conversation_ids)
    nsp_.to(room_service::conversation_room(id))
        .except(own)
        .emit(event, payloads::one(payloads::presence(user, id, now)));
}

}  // namespace chatgate::gateway
