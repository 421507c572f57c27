#include "gateway/admin_connections.hpp"

#include <unistd.h>

#include <array>

#include "gateway/room_service.hpp"
#include "gateway/socket_user.hpp"

namespace chatgate::gateway {

namespace {

std::string default_instance() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

}  // namespace

admin_connections::admin_connections(socketio::namespace_& nsp, std::string instance)
    : nsp_(nsp), instance_(instance.empty() ? default_instance() : std::move(instance)) {}

void admin_connections::list_connections(
    const std::optional<std::string>& user_id,
    std::function<void(std::vector<chat::connection_record>)> done) {
  std::vector<std::shared_ptr<socketio::socket>> sockets;
  if (user_id) {
    sockets = nsp_.in(room_service::user_room(*user_id)).local().fetch_sockets();
  } else {
    for (const auto& [id, s] : nsp_.sockets()) sockets.push_back(s);
  }
  std::vector<chat::connection_record> out;
  out.reserve(sockets.size());
  for (const auto& s : sockets) {
    const auto* user = user_of(*s);
    if (!user || !user->registered || !s->connected()) continue;  // not authenticated (yet)
    chat::connection_record r{
        s->id(), user->user_id, instance_, std::string(s->transport_name()), user->connected_at,
        {}};
    for (const auto& room : s->rooms())
      if (room != s->id()) r.rooms.push_back(room);
    out.push_back(std::move(r));
  }
  done(std::move(out));
}

}  // namespace chatgate::gateway
