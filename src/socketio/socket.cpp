#include "socketio/socket.hpp"

#include <boost/asio/post.hpp>

#include "core/json_writer.hpp"
#include "socketio/client.hpp"
#include "socketio/guarded.hpp"
#include "socketio/namespace_.hpp"
#include "socketio/server.hpp"

namespace chatgate::socketio {

socket::socket(namespace_& nsp, std::weak_ptr<client> c, std::string id, socketio::handshake hs)
    : nsp_(nsp), client_(std::move(c)), id_(std::move(id)), handshake_(std::move(hs)) {}

socket::~socket() = default;

const std::string& socket::pid() const {
  static const std::string none;
  return rare_ ? rare_->pid : none;
}

void socket::forget_auth(std::string_view key) {
  handshake_.auth.erase(key);
  if (handshake_.auth.empty()) handshake_.auth = boost::json::object();
}

std::string socket::session_id() const {
  auto c = client_.lock();
  return c && connected_ ? c->id() : std::string();
}

std::shared_ptr<engineio::socket> socket::conn() const {
  auto c = client_.lock();
  return c && connected_ ? c->conn_ptr() : nullptr;
}

std::string_view socket::transport_name() const {
  auto c = client_.lock();
  return c && connected_ ? c->conn().transport_name() : std::string_view();
}

void socket::on(std::string event, event_handler handler) {
  rare_state().handlers[std::move(event)] = std::move(handler);
}

void socket::on_any(any_handler handler) {
  rare_state().any_handlers.push_back(std::move(handler));
}

void socket::on_disconnecting(disconnect_handler handler) {
  rare_state().disconnecting_handlers.push_back(std::move(handler));
}

void socket::on_disconnect(disconnect_handler handler) {
  rare_state().disconnect_handlers.push_back(std::move(handler));
}

bool socket::emit(std::string_view event, args a) {
  if (!connected_ || is_reserved_event(event)) return false;
  send_packet(make_event_packet(nsp_.name(), event, std::move(a)));
  return true;
}

bool socket::emit_with_ack(std::string_view event, args a, ack_callback cb,
                           std::chrono::milliseconds timeout) {
  if (!connected_ || is_reserved_event(event)) return false;
  const auto& cfg = nsp_.owner().settings();
  auto ex = nsp_.owner().executor();
  auto& acks = rare_state().acks;
  if (acks.size() >= cfg.max_pending_acks) {
    // Always asynchronous, like a timeout: the caller never sees its callback run inside emit.
    boost::asio::post(ex, [cb = std::move(cb)] {
      detail::guarded("ack callback", [&] { cb(ack_error{"too many pending acks"}, {}); });
    });
    return false;
  }
  if (timeout == std::chrono::milliseconds::zero()) timeout = cfg.ack_timeout;
  std::uint64_t id = rare_->next_ack_id++;
  pending_ack pending{std::move(cb), nullptr};
  if (timeout > std::chrono::milliseconds::zero()) {
    pending.timer = std::make_unique<boost::asio::steady_timer>(ex, timeout);
    pending.timer->async_wait([weak = weak_from_this(), id](boost::system::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      if (!self->rare_) return;
      auto& pending_acks = self->rare_->acks;
      auto it = pending_acks.find(id);
      if (it == pending_acks.end()) return;
      auto callback = std::move(it->second.cb);
      pending_acks.erase(it);
      detail::guarded("ack callback", [&] { callback(ack_error{"operation has timed out"}, {}); });
    });
  }
  acks.emplace(id, std::move(pending));
  send_packet(make_event_packet(nsp_.name(), event, std::move(a), id));
  return true;
}

void socket::join(std::string room) {
  join(std::vector<std::string>{std::move(room)});
}

void socket::join(const std::vector<std::string>& rooms) {
  if (closed_) return;
  nsp_.adapter().add_all(id_, rooms);
}

void socket::leave(std::string_view room) {
  nsp_.adapter().del(id_, room);
}

std::set<std::string> socket::rooms() const {
  return nsp_.adapter().socket_rooms(id_);
}

broadcast_operator socket::to(std::string room) const {
  return broadcast().to(std::move(room));
}

broadcast_operator socket::to(const std::vector<std::string>& rooms) const {
  return broadcast().to(rooms);
}

broadcast_operator socket::except(std::string room) const {
  return broadcast().except(std::move(room));
}

broadcast_operator socket::broadcast() const {
  broadcast_options opts;
  opts.except.insert(id_);
  return broadcast_operator(nsp_, std::move(opts));
}

void socket::disconnect(bool close_transport) {
  if (!connected_) return;
  auto c = client_.lock();
  if (close_transport && c) return c->disconnect_all();
  packet p;
  p.type = packet_type::disconnect;
  p.nsp = nsp_.name();
  send_packet(std::move(p));
  on_close("server namespace disconnect");
}

void socket::on_connect() {
  connected_ = true;
  join(id_);
  replay_restored();
  packet p;
  p.type = packet_type::connect;
  p.nsp = nsp_.name();
  boost::json::object data{{"sid", id_}};
  if (!pid().empty()) data["pid"] = pid();
  p.data = std::move(data);
  send_packet(std::move(p));
}

void socket::on_packet(packet p) {
  switch (p.type) {
    case packet_type::event:
    case packet_type::binary_event:
      return on_event(std::move(p));
    case packet_type::ack:
    case packet_type::binary_ack:
      return on_ack(std::move(p));
    case packet_type::disconnect:
      return on_close("client namespace disconnect");
    case packet_type::connect:
    case packet_type::connect_error:
      return;  // the client routes these elsewhere
  }
}

void socket::on_event(packet p) {
  auto self = shared_from_this();  // a handler may disconnect us
  auto& arr = p.data.as_array();
  std::string event =
      arr.front().is_string() ? std::string(arr.front().get_string()) : core::to_json(arr.front());
  arr.erase(arr.begin());
  args a(std::move(arr), std::move(p.attachments));
  ack_fn ack = p.id ? make_ack(*p.id) : ack_fn{};
  if (rare_) {
    auto any = rare_->any_handlers;
    for (const auto& h : any) detail::guarded("on_any handler", [&] { h(event, a); });
    if (!connected_) return;
    if (auto it = rare_->handlers.find(event); it != rare_->handlers.end()) {
      auto handler = it->second;  // the handler may replace itself
      detail::guarded(event, [&] { handler(a, std::move(ack)); });
      return;
    }
  }
  // The namespace's table, shared by every socket (registrations happen at start-up only, so the
  // handler outlives the call).
  if (const auto* shared = nsp_.find_handler(event))
    detail::guarded(event, [&] { (*shared)(*this, a, std::move(ack)); });
}

ack_fn socket::make_ack(std::uint64_t id) {
  auto sent = std::make_shared<bool>(false);
  return [weak = weak_from_this(), id, sent](args reply) {
    if (*sent) return;
    *sent = true;
    auto self = weak.lock();
    if (!self) return;
    packet p;
    p.type = packet_type::ack;
    p.nsp = self->nsp_.name();
    p.id = id;
    p.attachments = std::move(reply.attachments());
    if (reply.is_encoded())
      p.encoded_data = std::move(reply.encoded_text());
    else
      p.data = std::move(reply.json());
    self->send_packet(std::move(p));
  };
}

void socket::on_ack(packet p) {
  if (!rare_ || !p.id) return;
  auto& acks = rare_->acks;
  auto it = acks.find(*p.id);
  if (it == acks.end()) return;  // unknown or late ack: ignored, as Node does
  auto cb = std::move(it->second.cb);
  acks.erase(it);  // destroys the timer, cancelling it
  args reply(std::move(p.data.as_array()), std::move(p.attachments));
  detail::guarded("ack callback", [&] { cb(std::nullopt, std::move(reply)); });
}

void socket::fail_pending_acks(const std::string& message) {
  if (!rare_) return;
  auto pending = std::move(rare_->acks);
  rare_->acks.clear();
  for (auto& entry : pending) {
    // Not a structured binding: clang 14 (the fuzz preset) cannot capture one in a lambda.
    auto& ack = entry.second;
    detail::guarded("ack callback", [&] { ack.cb(ack_error{message}, {}); });
  }
}

void socket::on_close(std::string_view reason) {
  if (!connected_) return;
  auto self = shared_from_this();
  if (rare_) {
    auto disconnecting = rare_->disconnecting_handlers;
    for (const auto& h : disconnecting)
      detail::guarded("disconnecting handler", [&] { h(reason); });
  }
  discard();
  if (auto c = client_.lock()) c->remove(*this);
  connected_ = false;
  fail_pending_acks("socket has been disconnected");
  std::vector<disconnect_handler> handlers;
  if (rare_) {
    handlers = std::move(rare_->disconnect_handlers);
    // Handlers often capture the socket's shared_ptr: dropping them breaks those cycles.
    rare_->handlers.clear();
    rare_->any_handlers.clear();
    rare_->disconnecting_handlers.clear();
    rare_->disconnect_handlers.clear();
  }
  for (const auto& h : nsp_.socket_disconnect_handlers())
    detail::guarded("disconnect handler", [&] { h(*this, reason); });
  for (const auto& h : handlers) detail::guarded("disconnect handler", [&] { h(reason); });
}

void socket::discard() {
  nsp_.adapter().del_all(id_);
  nsp_.remove(*this);
  closed_ = true;
}

void socket::send_packet(packet p) {
  write_encoded(encode(p));
}

void socket::write_encoded(const encoded_packet& enc) {
  if (closed_) return;
  if (auto c = client_.lock()) c->write(enc);
}

}  // namespace chatgate::socketio
