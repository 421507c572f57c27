#include "socketio/client.hpp"

#include <algorithm>
#include <chrono>

#include "socketio/namespace_.hpp"
#include "socketio/server.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {
namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

client::client(server& srv, std::shared_ptr<engineio::socket> conn)
    : server_(srv),
      conn_(std::move(conn)),
      decoder_(srv.settings().max_attachments),
      connect_timer_(std::make_unique<boost::asio::steady_timer>(srv.executor())) {}

client::~client() {
  // The session may outlive us (it closes asynchronously): its callbacks name us by a plain
  // pointer, so they go with us. (A callback never sees a dying client: each holds a
  // shared_ptr to it while it runs.)
  conn_->on_text = nullptr;
  conn_->on_binary = nullptr;
  conn_->on_close = nullptr;
}

void client::start() {
  // A plain pointer, not a weak_ptr: std::function keeps a capture of 8 bytes in place, where a
  // weak_ptr capture (not trivially copyable) costs a heap block per callback, three per
  // session for its whole life (issue 10). ~client() clears them.
  client* me = this;
  conn_->on_text = [me](std::string_view text) {
    auto keep = me->shared_from_this();
    me->on_text(text);
  };
  conn_->on_binary = [me](std::string_view bytes) {
    auto keep = me->shared_from_this();
    me->on_binary(bytes);
  };
  conn_->on_close = [me](std::string_view reason) {
    auto keep = me->shared_from_this();
    me->on_close(reason);
  };
  std::weak_ptr<client> weak = weak_from_this();
  connect_timer_->expires_after(server_.settings().connect_timeout);
  connect_timer_->async_wait([weak](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || !self->nsps_.empty()) return;
    self->close();
  });
}

void client::write(const encoded_packet& enc) {
  if (!open_) return;
  conn_->send_text(enc.text);
  for (const auto& a : enc.attachments) conn_->send_binary(a);
}

void client::on_text(std::string_view text) {
  if (closed_) return;
  auto r = decoder_.add_text(text);
  if (!r) return on_error();
  if (*r) on_decoded(std::move(**r));
}

void client::on_binary(std::string_view bytes) {
  if (closed_) return;
  auto r = decoder_.add_binary(bytes);
  if (!r) return on_error();
  if (*r) on_decoded(std::move(**r));
}

void client::on_decoded(packet p) {
  auto s = socket_of(p.nsp);
  if (!s && p.type == packet_type::connect) {
    boost::json::object auth =
        p.data.is_object() ? std::move(p.data.get_object()) : boost::json::object{};
    return connect(p.nsp, std::move(auth));
  }
  if (s && p.type != packet_type::connect && p.type != packet_type::connect_error) {
    return s->on_packet(std::move(p));
  }
  close();  // Node: "invalid state" (a packet for a namespace not joined, a second CONNECT)
}

void client::connect(const std::string& name, boost::json::object auth) {
  namespace_* nsp = server_.find(name);
  if (!nsp) {
    packet p;
    p.type = packet_type::connect_error;
    p.nsp = name;
    p.data = boost::json::object{{"message", "Invalid namespace"}};
    return write(p);
  }
  handshake hs(std::move(auth), conn_->shared_handshake(), now_ms());
  auto* store = server_.sessions();
  const auto* pid = store ? hs.auth.if_contains("pid") : nullptr;
  if (!pid || !pid->is_string() || pid->get_string().empty()) {
    auto new_pid = store ? server_.generate_id() : std::string();
    return add_socket(*nsp, std::move(hs), std::move(new_pid), std::nullopt);
  }
  // Connection state recovery: the client names its previous session (socket.io-client sends
  // {pid, offset} merged into its auth). The store answers now or later.
  std::optional<std::string> offset;
  if (const auto* o = hs.auth.if_contains("offset"); o && o->is_string())
    offset = std::string(o->get_string());
  auto held = std::make_shared<handshake>(std::move(hs));
  std::string old_pid(pid->get_string());
  store->restore(*held, old_pid, offset,
                 [weak = weak_from_this(), name, held, old_pid](std::optional<restored_session> r) {
                   auto self = weak.lock();
                   if (!self || self->closed_) return;
                   namespace_* target = self->server_.find(name);
                   if (!target) return;
                   auto new_pid = r ? old_pid : self->server_.generate_id();
                   self->add_socket(*target, std::move(*held), std::move(new_pid), std::move(r));
                 });
}

void client::add_socket(namespace_& nsp, handshake hs, std::string pid,
                        std::optional<restored_session> restored) {
  std::string id = restored ? restored->sid : server_.generate_id();
  // The previous socket of a recovered session may still be here, its transport's end not yet
  // seen (a polling client waits for the ping timeout): it goes first, so that one id is one
  // socket in the namespace and its rooms.
  if (restored)
    if (auto stale = nsp.find(id)) stale->disconnect(true);
  auto s = std::make_shared<socket>(nsp, weak_from_this(), std::move(id), std::move(hs));
  s->set_recovery(std::move(pid), std::move(restored));
  nsp.add(std::move(s));
}

void client::connected(const std::shared_ptr<socket>& s) {
  const auto& name = s->nsp().name();
  auto it = std::find_if(nsps_.begin(), nsps_.end(),
                         [&](const auto& o) { return o->nsp().name() == name; });
  if (it != nsps_.end())
    *it = s;
  else
    nsps_.push_back(s);
  // Cancelled and released: its handler holds only a weak pointer, and the timer object may
  // go as soon as cancel() has queued that handler.
  if (connect_timer_) {
    connect_timer_->cancel();
    connect_timer_.reset();
  }
}

void client::remove(const socket& s) {
  auto it = std::find_if(nsps_.begin(), nsps_.end(), [&](const auto& o) { return o.get() == &s; });
  if (it != nsps_.end()) nsps_.erase(it);
}

std::shared_ptr<socket> client::socket_of(std::string_view name) const {
  for (const auto& s : nsps_)
    if (s->nsp().name() == name) return s;
  return nullptr;
}

void client::on_error() {
  // Node closes the Engine.IO session on a Socket.IO decode error; the sockets see it as a
  // parse error (Node reports the resulting "forced close").
  close("parse error");
}

void client::disconnect_all() {
  auto self = shared_from_this();
  auto sockets = nsps_;
  for (auto& s : sockets) s->disconnect(false);
  close();
}

void client::close(std::string_view reason) {
  if (closed_) return;
  auto self = shared_from_this();
  on_close(reason);
  conn_->close();
}

void client::on_close(std::string_view reason) {
  if (closed_) return;
  auto self = shared_from_this();  // the server drops its reference below
  closed_ = true;
  open_ = false;
  if (connect_timer_) {
    connect_timer_->cancel();
    connect_timer_.reset();
  }
  decoder_.reset();
  auto sockets = std::move(nsps_);
  nsps_.clear();
  for (auto& s : sockets) s->on_close(reason);
  server_.remove_client(*this);
}

}  // namespace chatgate::socketio
