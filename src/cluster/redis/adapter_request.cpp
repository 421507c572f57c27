#include "cluster/redis/adapter_request.hpp"
#include "cluster/redis/msgpack_json.hpp"

#include <boost/json/parse.hpp>

#include "core/json_writer.hpp"

namespace chatgate::cluster::redis {

namespace json = boost::json;

namespace {

template <class T>
frame_result<T> fail(std::string why) {
  return frame_result<T>(boost::system::in_place_error, std::move(why));
}

/// The object a request or response holds: JSON when it starts with '{', else MessagePack.
frame_result<json::value> parse_body(std::string_view bytes,
                                     std::vector<engineio::shared_bytes>& attachments) {
  if (!bytes.empty() && bytes.front() == '{') {
    boost::system::error_code ec;
    json::parse_options po;
    po.max_depth = msgpack_max_depth;
    auto v = json::parse(bytes, ec, {}, po);
    if (ec) return fail<json::value>("bad JSON: " + ec.message());
    if (!v.is_object()) return fail<json::value>("not an object");
    return v;
  }
  auto v = msgpack_to_json(bytes, attachments);
  if (!v) return fail<json::value>(std::string(to_string(v.error())));
  if (!v->is_object()) return fail<json::value>("not an object");
  return std::move(*v);
}

std::optional<std::string> id_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (const auto* s = v->if_string()) return std::string(*s);
  if (v->is_int64() || v->is_uint64()) return core::to_json(*v);
  return std::nullopt;
}

std::string text_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v) return {};
  if (const auto* s = v->if_string()) return std::string(*s);
  if (v->is_number()) return core::to_json(*v);
  return {};
}

/// The fields of the request types that address sockets (2-5).
frame_result<adapter_request> socket_fields(adapter_request r, const json::object& o) {
  if (const auto* opts = o.if_contains("opts"); opts && !opts->is_null()) {
    auto parsed = options_of(opts);
    if (!parsed) return fail<adapter_request>(parsed.error());
    r.opts = std::move(*parsed);
  }
  auto rooms = rooms_of(o.if_contains("rooms"));
  if (!rooms) return fail<adapter_request>(rooms.error());
  r.rooms = std::move(*rooms);
  r.sid = text_of(o, "sid");
  r.room = text_of(o, "room");
  if (const auto* c = o.if_contains("close"); c && c->is_bool()) r.close = c->get_bool();
  if (r.type == request_type::remote_fetch && !r.opts) r.opts.emplace();
  return r;
}

}  // namespace

frame_result<adapter_request> decode_request(std::string_view bytes) {
  std::vector<engineio::shared_bytes> attachments;
  auto body = parse_body(bytes, attachments);
  if (!body) return fail<adapter_request>(body.error());
  const auto& o = body->get_object();
  const auto* type = o.if_contains("type");
  if (!type || !(type->is_int64() || type->is_uint64()))
    return fail<adapter_request>("type is not an integer");
  const auto t = type->to_number<std::int64_t>();
  if (t < 0 || t > 9) return fail<adapter_request>("unknown request type " + std::to_string(t));
  adapter_request r;
  r.type = static_cast<request_type>(t);
  r.uid = text_of(o, "uid");
  r.request_id = id_of(o, "requestId");
  switch (r.type) {
    case request_type::server_side_emit: {
      const auto* data = o.if_contains("data");
      if (!data || !data->is_array() || data->get_array().empty() ||
          !data->get_array().front().is_string())
        return fail<adapter_request>("data is not [event, ...]");
      r.packet.data = *data;
      r.packet.attachments = std::move(attachments);
      return r;
    }
    case request_type::broadcast: {
      auto p = packet_of(o.if_contains("packet"), std::move(attachments));
      if (!p) return fail<adapter_request>(p.error());
      r.packet = std::move(*p);
      auto opts = options_of(o.if_contains("opts"));
      if (!opts) return fail<adapter_request>(opts.error());
      r.opts = std::move(*opts);
      if (!r.request_id) return fail<adapter_request>("broadcast without requestId");
      return r;
    }
    default:
      return socket_fields(std::move(r), o);
  }
}

frame_result<adapter_response> decode_response(std::string_view bytes) {
  adapter_response r;
  auto body = parse_body(bytes, r.attachments);
  if (!body) return fail<adapter_response>(body.error());
  r.body = std::move(body->get_object());
  auto id = id_of(r.body, "requestId");
  if (!id) return fail<adapter_response>("no requestId");
  r.request_id = std::move(*id);
  if (const auto* t = r.body.if_contains("type"); t && t->is_int64())
    r.type = static_cast<int>(t->get_int64());
  return r;
}

std::string encode_remote_rooms(request_type type, std::string_view uid,
                                const socketio::broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  json::array names(rooms.begin(), rooms.end());
  auto o = options_json(opts);
  o.erase("flags");
  return core::to_json(json::object{{"uid", uid},
                                    {"type", static_cast<int>(type)},
                                    {"opts", std::move(o)},
                                    {"rooms", std::move(names)}});
}

std::string encode_remote_disconnect(std::string_view uid, const socketio::broadcast_options& opts,
                                     bool close) {
  auto o = options_json(opts);
  o.erase("flags");
  return core::to_json(json::object{{"uid", uid},
                                    {"type", static_cast<int>(request_type::remote_disconnect)},
                                    {"opts", std::move(o)},
                                    {"close", close}});
}

std::string encode_server_side_emit(std::string_view uid, const socketio::packet& p,
                                    const std::optional<std::string>& request_id) {
  json::object o{{"uid", uid}, {"type", static_cast<int>(request_type::server_side_emit)}};
  if (request_id) o["requestId"] = *request_id;
  o["data"] = p.data;
  if (p.attachments.empty()) return core::to_json(o);
  std::string out;  // binary arguments: MessagePack, so they travel as bin
  json_to_msgpack(o, p.attachments, out);
  return out;
}

std::string encode_all_rooms_request(std::string_view uid, std::string_view request_id) {
  return core::to_json(json::object{{"uid", uid},
                                    {"requestId", request_id},
                                    {"type", static_cast<int>(request_type::all_rooms)}});
}

std::string encode_fetch_request(std::string_view uid, std::string_view request_id,
                                 const socketio::broadcast_options& opts) {
  auto o = options_json(opts);
  o.erase("flags");
  return core::to_json(json::object{{"uid", uid},
                                    {"requestId", request_id},
                                    {"type", static_cast<int>(request_type::remote_fetch)},
                                    {"opts", std::move(o)}});
}

std::string encode_names_response(std::string_view request_id, std::string_view key,
                                  const std::vector<std::string>& names) {
  json::object o{{"requestId", request_id}};
  o[key] = json::array(names.begin(), names.end());
  return core::to_json(o);
}

std::string encode_done_response(std::string_view request_id) {
  return core::to_json(json::object{{"requestId", request_id}});
}

std::string encode_fetch_response(std::string_view request_id, const json::array& sockets) {
  return core::to_json(json::object{{"requestId", request_id}, {"sockets", sockets}});
}

std::string encode_server_side_ack(std::string_view request_id, const json::value& data) {
  return core::to_json(json::object{{"type", static_cast<int>(request_type::server_side_emit)},
                                    {"requestId", request_id},
                                    {"data", data}});
}

std::string encode_client_count(std::string_view request_id, std::uint64_t count) {
  return core::to_json(
      json::object{{"type", static_cast<int>(request_type::broadcast_client_count)},
                   {"requestId", request_id},
                   {"clientCount", count}});
}

std::string encode_broadcast_ack(std::string_view request_id, const json::value& packet,
                                 const std::vector<engineio::shared_bytes>& attachments) {
  std::string out;
  json_to_msgpack(json::object{{"type", static_cast<int>(request_type::broadcast_ack)},
                               {"requestId", request_id},
                               {"packet", packet}},
                  attachments, out);
  return out;
}

}  // namespace chatgate::cluster::redis
