#include "cluster/redis/redis_adapter.hpp"

#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::cluster::redis {

namespace json = boost::json;

namespace {

constexpr std::string_view frames_metric = "chatgate_redis_adapter_frames_total";
constexpr std::string_view frames_help =
    "Frames received by the Redis adapter, by result (delivered, own, other_room, other_nsp, "
    "malformed)";
constexpr std::string_view requests_metric = "chatgate_redis_adapter_requests_total";
constexpr std::string_view requests_help =
    "Requests received on socket.io-request#, by result (answered, applied, own, ignored, "
    "malformed)";
constexpr std::string_view responses_metric = "chatgate_redis_adapter_responses_total";
constexpr std::string_view responses_help =
    "Answers read on socket.io-response# while this instance waited for some, by result (matched, "
    "other, malformed)";

json::object handshake_json(const socketio::handshake& hs) {
  json::object headers, query;
  for (const auto [k, v] : hs.headers()) headers[k] = v;
  for (const auto [k, v] : hs.query()) query[k] = v;
  return {{"headers", std::move(headers)},
          {"time", ""},
          {"address", hs.address()},
          {"xdomain", false},
          {"secure", false},
          {"issued", hs.issued},
          {"url", hs.url()},
          {"query", std::move(query)},
          {"auth", hs.auth}};
}

/// One io thread: what other instances send acts on the adapter's own rooms, at once.
class own_sockets final : public cluster::process_sockets {
 public:
  explicit own_sockets(socketio::in_memory_adapter& a) : a_(a) {}
  void deliver(const socketio::packet& p, const socketio::broadcast_options& opts) override {
    a_.in_memory_adapter::broadcast(p, opts);
  }
  void remote_join(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override {
    a_.in_memory_adapter::add_sockets(opts, rooms);
  }
  void remote_leave(const socketio::broadcast_options& opts,
                    const std::vector<std::string>& rooms) override {
    a_.in_memory_adapter::del_sockets(opts, rooms);
  }
  void remote_disconnect(const socketio::broadcast_options& opts, bool close) override {
    a_.in_memory_adapter::disconnect_sockets(opts, close);
  }
  bool may_hold(std::string_view room) const override { return a_.room_size(room) > 0; }
  void gather(each_fn each, std::function<void(std::vector<json::value>)> done) override {
    std::vector<json::value> out;
    out.push_back(each(a_));
    done(std::move(out));
  }

 private:
  socketio::in_memory_adapter& a_;
};

socketio::broadcast_options only_socket(const std::string& sid) {
  socketio::broadcast_options opts;
  opts.rooms.insert(sid);  // a socket is always in the room of its id
  opts.flags.local = true;
  return opts;
}

}  // namespace

redis_adapter::redis_adapter(socketio::namespace_& nsp, std::shared_ptr<pubsub_transport> pub,
                             std::shared_ptr<pubsub_transport> sub, core::metrics* metrics,
                             redis_adapter_settings settings)
    : in_memory_adapter(nsp),
      pub_(std::move(pub)),
      sub_(std::move(sub)),
      metrics_(metrics),
      settings_(std::move(settings)),
      channel_(broadcast_channel_prefix(settings_.key, nsp.name())),
      request_channel_(settings_.key + "-request#" + nsp.name() + "#"),
      response_channel_(settings_.key + "-response#" + nsp.name() + "#"),
      pending_(settings_.uid),
      request_timer_(sub_->get_executor()),
      own_(settings_.process ? nullptr : std::make_unique<own_sockets>(*this)),
      local_(settings_.process ? settings_.process : own_.get()) {
  auto alive = std::weak_ptr<bool>(alive_);
  sub_->psubscribe(channel_ + "*", [this, alive](std::string_view ch, std::string_view m) {
    if (alive.lock()) on_frame(ch, m);
  });
  sub_->subscribe(request_channel_, [this, alive](std::string_view, std::string_view m) {
    if (alive.lock()) on_request(m);
  });
  sub_->subscribe(response_channel_, [this, alive](std::string_view, std::string_view m) {
    if (alive.lock()) on_response(m);
  });
}

redis_adapter::~redis_adapter() {
  request_timer_.cancel();
  sub_->unsubscribe(channel_ + "*", true);
  sub_->unsubscribe(request_channel_, false);
  sub_->unsubscribe(response_channel_, false);
}

void redis_adapter::count(std::string_view name, std::string_view help, std::string_view result) {
  if (metrics_) metrics_->count(name, help, {{"result", std::string(result)}});
}

void redis_adapter::publish(const std::string& channel, std::string payload) {
  pub_->command({"PUBLISH", channel, std::move(payload)},
                [this, alive = std::weak_ptr<bool>(alive_)](redis_reply r) {
                  if (r.ok() || !alive.lock()) return;
                  spdlog::debug("redis adapter: publish failed: {}", r.str);
                  if (metrics_)
                    metrics_->count(
                        "chatgate_redis_adapter_publish_failures_total",
                        "PUBLISHes that failed (Redis away): other instances missed them");
                });
}

void redis_adapter::broadcast(const socketio::packet& p, const socketio::broadcast_options& opts) {
  if (!opts.flags.local) send_broadcast(p, opts);
  in_memory_adapter::broadcast(p, opts);
}

void redis_adapter::add_sockets(const socketio::broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  in_memory_adapter::add_sockets(opts, rooms);
  if (!opts.flags.local) send_add_sockets(opts, rooms);
}

void redis_adapter::del_sockets(const socketio::broadcast_options& opts,
                                const std::vector<std::string>& rooms) {
  in_memory_adapter::del_sockets(opts, rooms);
  if (!opts.flags.local) send_del_sockets(opts, rooms);
}

void redis_adapter::disconnect_sockets(const socketio::broadcast_options& opts,
                                       bool close_transport) {
  if (!opts.flags.local) send_disconnect_sockets(opts, close_transport);
  in_memory_adapter::disconnect_sockets(opts, close_transport);
}

void redis_adapter::server_side_emit(const socketio::packet& p) {
  send_server_side_emit(p);
}

void redis_adapter::send_broadcast(const socketio::packet& p,
                                   const socketio::broadcast_options& opts) {
  socketio::packet out = p;
  out.nsp = nsp().name();
  publish(broadcast_channel(channel_, opts), encode_broadcast(settings_.uid, out, opts));
}

void redis_adapter::send_add_sockets(const socketio::broadcast_options& opts,
                                     const std::vector<std::string>& rooms) {
  publish(request_channel_,
          encode_remote_rooms(request_type::remote_join, settings_.uid, opts, rooms));
}

void redis_adapter::send_del_sockets(const socketio::broadcast_options& opts,
                                     const std::vector<std::string>& rooms) {
  publish(request_channel_,
          encode_remote_rooms(request_type::remote_leave, settings_.uid, opts, rooms));
}

void redis_adapter::send_disconnect_sockets(const socketio::broadcast_options& opts,
                                            bool close_transport) {
  publish(request_channel_, encode_remote_disconnect(settings_.uid, opts, close_transport));
}

void redis_adapter::send_server_side_emit(const socketio::packet& p) {
  publish(request_channel_, encode_server_side_emit(settings_.uid, p, std::nullopt));
}

void redis_adapter::on_frame(std::string_view channel, std::string_view payload) {
  auto room = room_of_channel(channel, channel_);
  if (!room) return count(frames_metric, frames_help, "other_nsp");
  if (!room->empty() && !local_->may_hold(*room))  // before decoding: the cheap, common case
    return count(frames_metric, frames_help, "other_room");
  auto frame = decode_broadcast(payload);
  if (!frame) {
    spdlog::warn("redis adapter: malformed frame on {} ({} bytes): {}", channel, payload.size(),
                 frame.error());
    return count(frames_metric, frames_help, "malformed");
  }
  if (frame->uid == settings_.uid) return count(frames_metric, frames_help, "own");
  if (frame->packet.nsp != nsp().name()) return count(frames_metric, frames_help, "other_nsp");
  count(frames_metric, frames_help, "delivered");
  local_->deliver(frame->packet, frame->opts);
}

void redis_adapter::on_request(std::string_view payload) {
  auto r = decode_request(payload);
  if (!r) {
    spdlog::warn("redis adapter: malformed request ({} bytes): {}", payload.size(), r.error());
    return count(requests_metric, requests_help, "malformed");
  }
  if (r->uid == settings_.uid) return count(requests_metric, requests_help, "own");
  switch (r->type) {
    case request_type::sockets:
    case request_type::all_rooms:
      if (!r->request_id) break;
      answer_names(*r);
      return count(requests_metric, requests_help, "answered");
    case request_type::remote_join:
    case request_type::remote_leave:
    case request_type::remote_disconnect:
      return apply_socket_request(*r);
    case request_type::remote_fetch:
      if (!r->request_id) break;
      answer_fetch(*r);
      return count(requests_metric, requests_help, "answered");
    case request_type::server_side_emit:
      if (on_server_side) on_server_side(r->packet);
      if (r->request_id && settings_.server_side_ack) {
        auto once = std::make_shared<bool>(false);
        settings_.server_side_ack(r->packet, [this, alive = std::weak_ptr<bool>(alive_), once,
                                              id = *r->request_id](json::value data) {
          if (*once || !alive.lock()) return;
          *once = true;
          publish(response_channel_, encode_server_side_ack(id, data));
        });
      }
      return count(requests_metric, requests_help, "applied");
    case request_type::broadcast:
      answer_broadcast_with_ack(*r);
      return count(requests_metric, requests_help, "answered");
    default:
      break;
  }
  count(requests_metric, requests_help, "ignored");
}

void redis_adapter::answer_names(const adapter_request& r) {
  // SOCKETS: the ids of the sockets in r.rooms; ALL_ROOMS: every room; over every io thread.
  const bool ids = r.type == request_type::sockets;
  auto each = [ids, rooms = r.rooms](socketio::adapter& a) {
    json::array out;
    if (ids) {
      for (const auto& id : a.sockets(rooms)) out.emplace_back(id);
    } else {
      for (const auto& room : a.rooms()) out.emplace_back(room);
    }
    return json::value(std::move(out));
  };
  local_->gather(each, [this, ids, alive = std::weak_ptr<bool>(alive_),
                        id = *r.request_id](std::vector<json::value> parts) {
    if (!alive.lock()) return;
    std::set<std::string> names;
    for (const auto& part : parts)
      if (part.is_array())
        for (const auto& n : part.get_array())
          if (n.is_string()) names.emplace(n.get_string());
    publish(response_channel_,
            encode_names_response(id, ids ? "sockets" : "rooms", {names.begin(), names.end()}));
  });
}

void redis_adapter::apply_socket_request(const adapter_request& r) {
  if (r.opts) {
    if (r.type == request_type::remote_join)
      local_->remote_join(*r.opts, {r.rooms.begin(), r.rooms.end()});
    if (r.type == request_type::remote_leave)
      local_->remote_leave(*r.opts, {r.rooms.begin(), r.rooms.end()});
    if (r.type == request_type::remote_disconnect) local_->remote_disconnect(*r.opts, r.close);
    return count(requests_metric, requests_help, "applied");
  }
  // The single-socket form (Node's remoteJoin(id, room) ...): the thread holding the socket.
  auto each = [type = r.type, sid = r.sid, room = r.room, close = r.close](socketio::adapter& a) {
    auto found = a.fetch_sockets(only_socket(sid));
    for (const auto& s : found) {
      if (s->id() != sid) continue;
      if (type == request_type::remote_join) s->join(room);
      if (type == request_type::remote_leave) s->leave(room);
      if (type == request_type::remote_disconnect) s->disconnect(close);
      return json::value(true);
    }
    return json::value(false);
  };
  local_->gather(each, [this, alive = std::weak_ptr<bool>(alive_),
                        id = r.request_id](std::vector<json::value> parts) {
    if (!alive.lock()) return;
    const bool found = std::any_of(parts.begin(), parts.end(),
                                   [](const json::value& v) { return v == json::value(true); });
    if (!found) return count(requests_metric, requests_help, "ignored");
    if (id) publish(response_channel_, encode_done_response(*id));
    count(requests_metric, requests_help, "applied");
  });
}

void redis_adapter::answer_fetch(const adapter_request& r) {
  auto each = [opts = *r.opts, data = settings_.socket_data](socketio::adapter& a) {
    json::array out;
    for (const auto& s : a.fetch_sockets(opts)) {
      json::array rooms;
      for (const auto& room : s->rooms()) rooms.emplace_back(room);
      out.push_back(json::object{{"id", s->id()},
                                 {"handshake", handshake_json(s->handshake())},
                                 {"rooms", std::move(rooms)},
                                 {"data", data ? data(*s) : json::value(nullptr)}});
    }
    return json::value(std::move(out));
  };
  local_->gather(each, [this, alive = std::weak_ptr<bool>(alive_),
                        id = *r.request_id](std::vector<json::value> parts) {
    if (!alive.lock()) return;
    json::array out;
    for (auto& part : parts)
      if (part.is_array())
        for (auto& s : part.get_array()) out.push_back(std::move(s));
    publish(response_channel_, encode_fetch_response(id, out));
  });
}

void redis_adapter::answer_broadcast_with_ack(const adapter_request& r) {
  // Each thread emits to its sockets; their acks come back to this thread to be published.
  const auto& data = r.packet.data.get_array();
  // Copied for the other threads: they read nothing of this adapter but these.
  auto home = [ex = sub_->get_executor(),
               alive = std::weak_ptr<bool>(alive_)](std::function<void()> fn) {
    boost::asio::dispatch(ex, [alive, fn = std::move(fn)] {
      if (alive.lock()) fn();
    });
  };
  auto each = [this, home, opts = *r.opts, event = std::string(data.front().get_string()),
               rest = json::array(data.begin() + 1, data.end()), attachments = r.packet.attachments,
               id = *r.request_id](socketio::adapter& a) {
    const auto targets = a.fetch_sockets(opts);
    for (const auto& s : targets) {
      socketio::args args(rest, attachments);
      s->emit_with_ack(
          event, std::move(args),
          [this, home, id](std::optional<socketio::ack_error> err, socketio::args reply) {
            if (err) return;  // no answer: Node times out, as there
            json::value first = reply.empty() ? json::value(nullptr) : reply.front();
            home([this, id, first = std::move(first), bin = reply.attachments()] {
              publish(response_channel_, encode_broadcast_ack(id, first, bin));
            });
          });
    }
    return json::value(targets.size());
  };
  local_->gather(each, [this, alive = std::weak_ptr<bool>(alive_),
                        id = *r.request_id](std::vector<json::value> parts) {
    if (!alive.lock()) return;
    std::size_t clients = 0;
    for (const auto& n : parts)
      if (n.is_uint64()) clients += n.get_uint64();
    publish(response_channel_, encode_client_count(id, clients));
  });
}

void redis_adapter::fetch_remote_sockets(const socketio::broadcast_options& opts,
                                         std::function<void(remote_sockets)> done) {
  // Onto this adapter's executor first: the caller may be another io thread.
  boost::asio::post(sub_->get_executor(), [this, alive = std::weak_ptr<bool>(alive_), opts,
                                           done = std::move(done)]() mutable {
    if (alive.lock()) ask_server_count(opts, std::move(done));
  });
}

void redis_adapter::ask_server_count(const socketio::broadcast_options& opts,
                                     std::function<void(remote_sockets)> done) {
  // How many instances listen: every subscriber of the request channel but this one.
  pub_->command(
      {"PUBSUB", "NUMSUB", request_channel_}, [this, alive = std::weak_ptr<bool>(alive_), opts,
                                               done = std::move(done)](redis_reply r) mutable {
        if (!alive.lock()) return;
        if (!r.ok() || r.elements.size() != 2 || r.elements[1].type != redis_reply::kind::integer)
          return done(remote_sockets{});  // Redis away: nobody asked
        const auto subscribers = r.elements[1].integer;
        send_fetch(opts, subscribers > 1 ? std::size_t(subscribers - 1) : 0, std::move(done));
      });
}

void redis_adapter::send_fetch(const socketio::broadcast_options& opts, std::size_t expected,
                               std::function<void(remote_sockets)> done) {
  if (expected == 0) return done(remote_sockets{{}, true});
  auto gather = [done = std::move(done)](pending_requests::outcome o) {
    remote_sockets out{{}, o.complete};
    for (auto& answer : o.answers) {
      auto* sockets = answer.if_contains("sockets");
      if (!sockets || !sockets->is_array()) continue;
      for (auto& s : sockets->get_array())
        if (s.is_object()) out.sockets.push_back(std::move(s.get_object()));
    }
    done(std::move(out));
  };
  auto id = pending_.add(expected, pending_requests::clock::now() + settings_.requests_timeout,
                         std::move(gather));
  if (!id) {  // too many requests waiting: refuse this one rather than queue it
    spdlog::warn("redis adapter: too many requests waiting; REMOTE_FETCH not sent");
    return done(remote_sockets{});
  }
  arm_request_timer();
  publish(request_channel_, encode_fetch_request(settings_.uid, *id, opts));
}

void redis_adapter::arm_request_timer() {
  auto next = pending_.next_deadline();
  if (!next) return;
  request_timer_.expires_at(*next);
  request_timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || !alive.lock()) return;  // re-armed or destroyed
        if (auto n = pending_.expire(pending_requests::clock::now()))
          spdlog::debug("redis adapter: {} request(s) timed out", n);
        arm_request_timer();
      });
}

void redis_adapter::on_response(std::string_view payload) {
  if (pending_.size() == 0) return;  // answers to other instances' requests: not decoded
  auto r = decode_response(payload);
  if (!r) {
    spdlog::debug("redis adapter: malformed response ({} bytes): {}", payload.size(), r.error());
    return count(responses_metric, responses_help, "malformed");
  }
  if (pending_.answer(r->request_id, std::move(r->body)))
    count(responses_metric, responses_help, "matched");
  else
    count(responses_metric, responses_help, "other");
}

}  // namespace chatgate::cluster::redis
