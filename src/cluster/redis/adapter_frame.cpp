#include "cluster/redis/adapter_frame.hpp"
#include "cluster/redis/msgpack_json.hpp"

#include "core/json_writer.hpp"

namespace chatgate::cluster::redis {

namespace json = boost::json;

namespace {

template <class T>
frame_result<T> fail(std::string why) {
  return frame_result<T>(boost::system::in_place_error, std::move(why));
}

/// A room name: a string, or a number's text (Node's rooms may be numbers).
std::optional<std::string> room_name(const json::value& v) {
  if (const auto* s = v.if_string()) return std::string(*s);
  if (v.is_int64() || v.is_uint64()) return core::to_json(v);
  if (v.is_double()) return core::to_json(v);
  return std::nullopt;
}

}  // namespace

frame_result<std::set<std::string, std::less<>>> rooms_of(const json::value* v) {
  std::set<std::string, std::less<>> out;
  if (!v || v->is_null()) return out;
  const auto* a = v->if_array();
  if (!a) return fail<std::set<std::string, std::less<>>>("rooms is not an array");
  for (const auto& e : *a) {
    auto name = room_name(e);
    if (!name) return fail<std::set<std::string, std::less<>>>("a room is not a string");
    out.insert(std::move(*name));
  }
  return out;
}

frame_result<socketio::broadcast_options> options_of(const json::value* v) {
  socketio::broadcast_options opts;
  if (!v || v->is_null()) return opts;
  const auto* o = v->if_object();
  if (!o) return fail<socketio::broadcast_options>("opts is not an object");
  auto rooms = rooms_of(o->if_contains("rooms"));
  if (!rooms) return fail<socketio::broadcast_options>(rooms.error());
  auto except = rooms_of(o->if_contains("except"));
  if (!except) return fail<socketio::broadcast_options>("except: " + except.error());
  opts.rooms = std::move(*rooms);
  opts.except = std::move(*except);
  if (const auto* flags = o->if_contains("flags"); flags && flags->is_object()) {
    auto flag = [&](const char* name) {
      const auto* f = flags->get_object().if_contains(name);
      return f && f->is_bool() && f->get_bool();
    };
    opts.flags.local = flag("local");
    opts.flags.volatile_ = flag("volatile");
  }
  return opts;
}

frame_result<socketio::packet> packet_of(const json::value* v,
                                         std::vector<engineio::shared_bytes> attachments) {
  const auto* o = v ? v->if_object() : nullptr;
  if (!o) return fail<socketio::packet>("packet is not an object");
  const auto* type = o->if_contains("type");
  if (!type || !(type->is_int64() || type->is_uint64()))
    return fail<socketio::packet>("packet type is not an integer");
  const auto t = type->to_number<std::int64_t>();
  if (t != 2 && t != 5) return fail<socketio::packet>("packet type is not EVENT");
  const auto* data = o->if_contains("data");
  if (!data || !data->is_array() || data->get_array().empty() ||
      !data->get_array().front().is_string())
    return fail<socketio::packet>("packet data is not [event, ...]");
  socketio::packet p;
  p.type = socketio::packet_type::event;
  p.data = *data;
  p.attachments = std::move(attachments);
  if (const auto* nsp = o->if_contains("nsp"); nsp && !nsp->is_null()) {
    if (!nsp->is_string()) return fail<socketio::packet>("packet nsp is not a string");
    p.nsp = std::string(nsp->get_string());
  }
  if (const auto* id = o->if_contains("id"); id && (id->is_int64() || id->is_uint64())) {
    if (!(id->is_int64() && id->get_int64() < 0)) p.id = id->to_number<std::uint64_t>();
  }
  return p;
}

frame_result<broadcast_frame> decode_broadcast(std::string_view bytes) {
  std::vector<engineio::shared_bytes> attachments;
  auto v = msgpack_to_json(bytes, attachments);
  if (!v) return fail<broadcast_frame>(std::string(to_string(v.error())));
  const auto* a = v->if_array();
  if (!a || a->size() != 3) return fail<broadcast_frame>("frame is not [uid, packet, opts]");
  broadcast_frame f;
  if (const auto* uid = (*a)[0].if_string())
    f.uid = std::string(*uid);
  else
    return fail<broadcast_frame>("uid is not a string");
  auto p = packet_of(&(*a)[1], std::move(attachments));
  if (!p) return fail<broadcast_frame>(p.error());
  f.packet = std::move(*p);
  auto opts = options_of(&(*a)[2]);
  if (!opts) return fail<broadcast_frame>(opts.error());
  if (!(*a)[2].is_object()) return fail<broadcast_frame>("opts is not an object");
  f.opts = std::move(*opts);
  return f;
}

json::object options_json(const socketio::broadcast_options& opts) {
  json::array rooms, except;
  for (const auto& r : opts.rooms) rooms.emplace_back(r);
  for (const auto& r : opts.except) except.emplace_back(r);
  json::object flags;
  if (opts.flags.volatile_) flags["volatile"] = true;
  if (opts.flags.local) flags["local"] = true;
  return {{"rooms", std::move(rooms)}, {"except", std::move(except)}, {"flags", std::move(flags)}};
}

json::object packet_json(const socketio::packet& p) {
  json::object o{{"type", 2}, {"data", p.data}, {"nsp", p.nsp}};
  if (p.id) o["id"] = *p.id;
  return o;
}

std::string encode_broadcast(std::string_view uid, const socketio::packet& p,
                             const socketio::broadcast_options& opts) {
  std::string out;
  out.reserve(128);
  put_array(out, 3);
  put_str(out, uid);
  json_to_msgpack(packet_json(p), p.attachments, out);
  json_to_msgpack(options_json(opts), {}, out);
  return out;
}

std::string broadcast_channel_prefix(std::string_view key, std::string_view nsp) {
  return std::string(key) + "#" + std::string(nsp) + "#";
}

std::string broadcast_channel(std::string_view prefix, const socketio::broadcast_options& opts) {
  std::string ch(prefix);
  if (opts.rooms.size() == 1) ch += *opts.rooms.begin() + "#";
  return ch;
}

std::optional<std::string_view> room_of_channel(std::string_view channel, std::string_view prefix) {
  if (!channel.starts_with(prefix)) return std::nullopt;
  auto rest = channel.substr(prefix.size());
  if (rest.empty()) return rest;
  if (rest.back() != '#') return std::nullopt;
  return rest.substr(0, rest.size() - 1);
}

}  // namespace chatgate::cluster::redis
