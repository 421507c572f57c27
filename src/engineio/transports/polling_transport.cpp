#include "engineio/transports/polling_transport.hpp"

#include "engineio/payload.hpp"

namespace chatgate::engineio {

namespace bhttp = boost::beast::http;

http::response polling_transport::make_response(bhttp::status status, std::string body,
                                                std::string_view content_type,
                                                std::string_view origin) const {
  http::response res{status, held_version_};
  if (!content_type.empty()) res.set(bhttp::field::content_type, content_type);
  res.set(bhttp::field::cache_control, "no-store");
  cors_.decorate(origin, res);
  res.body() = std::move(body);
  return res;
}

void polling_transport::on_get(const http::request& req, const http::connection_info& info,
                               http::responder respond) {
  auto self = shared_from_this();
  const std::string origin(req[bhttp::field::origin]);
  if (held_ || closed_) {
    // Node: onError("overlap from client") closes the session (the held GET gets the close
    // packet), then this request gets a bare 400.
    if (events_) events_->on_transport_error(*this, "transport error");
    return respond(make_response(bhttp::status::bad_request, "", "", origin));
  }
  held_ = std::move(respond);
  held_origin_ = origin;
  held_version_ = req.version();
  held_monitor_ = info.monitor;
  if (held_monitor_) {
    held_monitor_->on_peer_closed = [weak = weak_from_this()] {
      auto transport = weak.lock();
      if (!transport || !transport->held_) return;
      transport->held_.reset();
      transport->held_monitor_.reset();
      if (transport->events_) transport->events_->on_transport_error(*transport, "transport error");
    };
  }
  if (events_) events_->on_transport_ready(*this);
}

void polling_transport::on_post(const http::request& req, http::responder respond) {
  auto self = shared_from_this();
  const std::string origin(req[bhttp::field::origin]);
  auto answer = [&](bhttp::status status, std::string body, std::string_view type) {
    http::response res = make_response(status, std::move(body), type, origin);
    res.version(req.version());
    respond(std::move(res));
  };
  if (req[bhttp::field::content_type] == "application/octet-stream") {
    // Protocol 4 sends binary as base64 text; Node rejects binary bodies ("invalid content").
    if (events_) events_->on_transport_error(*this, "transport error");
    return answer(bhttp::status::bad_request, "", "");
  }
  decoded_payload decoded = decode_payload(req.body());
  for (auto& p : decoded.packets) {
    if (!events_) break;  // the session ended while handling an earlier packet
    if (p.type == packet_type::close) {
      // The client is leaving: release a held GET with a noop, then the session closes.
      if (held_) answer_held(std::string(1, static_cast<char>(packet_type::noop)));
      events_->on_transport_close(*this);
      break;
    }
    events_->on_transport_packet(*this, std::move(p));
  }
  if (decoded.error) {
    // Node answers "ok" and closes with "parse error"; 400 tells the client the truth (the
    // protocol test suite accepts both).
    if (events_) events_->on_transport_error(*this, "parse error");
    return answer(bhttp::status::bad_request, R"({"code":3,"message":"Bad request"})",
                  "application/json");
  }
  answer(bhttp::status::ok, "ok", "text/html");
}

void polling_transport::send(std::vector<outgoing_packet> packets) {
  if (!held_) return;
  payload_writer writer;
  for (const auto& p : packets) writer.add(p.type, p.view(), p.binary);
  answer_held(writer.take());
}

void polling_transport::release_monitor() {
  if (held_monitor_) held_monitor_->on_peer_closed = nullptr;
  held_monitor_.reset();
}

void polling_transport::answer_held(std::string body) {
  auto respond = std::move(*held_);
  held_.reset();
  release_monitor();
  respond(
      make_response(bhttp::status::ok, std::move(body), "text/plain; charset=UTF-8", held_origin_));
}

void polling_transport::close() {
  if (closed_) return;
  closed_ = true;
  if (held_) answer_held(std::string(1, static_cast<char>(packet_type::close)));
}

void polling_transport::discard() {
  if (closed_) return;
  closed_ = true;
  if (held_) answer_held(std::string(1, static_cast<char>(packet_type::noop)));
}

}  // namespace chatgate::engineio
