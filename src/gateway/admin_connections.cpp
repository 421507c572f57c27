#include "gateway/admin_connections.hpp"

#include <unistd.h>

#include <array>
#include <set>

#include "gateway/room_service.hpp"
#include "gateway/socket_user.hpp"

namespace chatgate::gateway {

namespace json = boost::json;

namespace {

std::string default_instance() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

const json::string* string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

}  // namespace

admin_connections::admin_connections(socketio::namespace_& nsp, std::string instance)
    : nsp_(nsp), instance_(instance.empty() ? default_instance() : std::move(instance)) {}

void admin_connections::list_connections(
    const std::optional<std::string>& user_id,
    std::function<void(std::vector<chat::connection_record>)> done) {
  auto out = local(user_id);
  if (!remote_) return done(std::move(out));
  socketio::broadcast_options opts;
  if (user_id) opts.rooms.insert(room_service::user_room(*user_id));
  remote_(opts, [out = std::move(out),
                 done = std::move(done)](std::vector<json::object> fetched) mutable {
    std::set<std::string> seen;
    for (const auto& r : out) seen.insert(r.id);
    for (const auto& f : fetched) {
      auto r = record_of(f);
      // A socket listed here and elsewhere is mid-move (recovered on another instance): once.
      if (r && seen.insert(r->id).second) out.push_back(std::move(*r));
    }
    done(std::move(out));
  });
}

std::vector<chat::connection_record> admin_connections::local(
    const std::optional<std::string>& user_id) {
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
  return out;
}

json::value admin_connections::socket_data(const socketio::socket& s) const {
  const auto* user = user_of(s);
  if (!user || !user->registered) return nullptr;
  return json::object{{"userId", user->user_id},
                      {"instance", instance_},
                      {"transport", s.transport_name()},
                      {"connectedAt", core::to_iso8601(user->connected_at)}};
}

std::optional<chat::connection_record> admin_connections::record_of(const json::object& fetched) {
  const auto* id = string_at(fetched, "id");
  const auto* data = fetched.if_contains("data");
  if (!id || !data || !data->is_object()) return std::nullopt;
  const auto& d = data->get_object();
  const auto *user = string_at(d, "userId"), *instance = string_at(d, "instance"),
             *transport = string_at(d, "transport"), *at = string_at(d, "connectedAt");
  if (!user || !instance || !transport || !at) return std::nullopt;
  auto connected_at = core::parse_iso8601(*at);
  if (!connected_at) return std::nullopt;
  chat::connection_record r{std::string(*id),        std::string(*user), std::string(*instance),
                            std::string(*transport), *connected_at,      {}};
  if (const auto* rooms = fetched.if_contains("rooms"); rooms && rooms->is_array())
    for (const auto& room : rooms->get_array())
      if (room.is_string() && room.get_string() != *id) r.rooms.emplace_back(room.get_string());
  return r;
}

}  // namespace chatgate::gateway
