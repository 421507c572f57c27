#include "socketio/namespace_.hpp"

#include <algorithm>
#include <array>

#include "socketio/client.hpp"
#include "socketio/guarded.hpp"
#include "socketio/server.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {

namespace_::namespace_(server& srv, std::string name) : server_(srv), name_(std::move(name)) {
  set_adapter(srv.make_adapter(*this));
}

namespace_::~namespace_() = default;

void namespace_::use(middleware mw) {
  middlewares_.push_back(std::move(mw));
}

void namespace_::on_connection(connection_handler handler) {
  connection_handlers_.push_back(std::move(handler));
}

void namespace_::on(std::string event, socket_event_handler handler) {
  event_handlers_[std::move(event)] = std::move(handler);
}

const namespace_::socket_event_handler* namespace_::find_handler(std::string_view event) const {
  auto it = event_handlers_.find(event);
  return it == event_handlers_.end() ? nullptr : &it->second;
}

void namespace_::on_socket_disconnect(socket_disconnect_handler handler) {
  socket_disconnect_handlers_.push_back(std::move(handler));
}

broadcast_operator namespace_::to(std::string room) {
  return local_all().to(std::move(room));
}

broadcast_operator namespace_::to(const std::vector<std::string>& rooms) {
  return local_all().to(rooms);
}

broadcast_operator namespace_::except(std::string room) {
  return local_all().except(std::move(room));
}

broadcast_operator namespace_::local() {
  return local_all().local();
}

bool namespace_::emit(std::string_view event, args a) {
  return local_all().emit(event, std::move(a));
}

namespace {
broadcast_options select_rooms(const std::vector<std::string>& rooms) {
  broadcast_options opts;
  opts.rooms.insert(rooms.begin(), rooms.end());
  return opts;
}
}  // namespace

void namespace_::sockets_join(const std::vector<std::string>& rooms_selector,
                              const std::vector<std::string>& rooms) {
  adapter_->add_sockets(select_rooms(rooms_selector), rooms);
}

void namespace_::sockets_leave(const std::vector<std::string>& rooms_selector,
                               const std::vector<std::string>& rooms) {
  adapter_->del_sockets(select_rooms(rooms_selector), rooms);
}

void namespace_::disconnect_sockets(const std::vector<std::string>& rooms_selector,
                                    bool close_transport) {
  adapter_->disconnect_sockets(select_rooms(rooms_selector), close_transport);
}

std::vector<std::shared_ptr<socket>> namespace_::fetch_sockets(
    const std::vector<std::string>& rooms) {
  return adapter_->fetch_sockets(select_rooms(rooms));
}

void namespace_::server_side_emit(std::string_view event, args a) {
  adapter_->server_side_emit(make_event_packet(name_, event, std::move(a)));
}

void namespace_::on_server_side(server_side_handler handler) {
  server_side_handlers_.push_back(std::move(handler));
}

std::shared_ptr<socket> namespace_::find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : it->second->shared_from_this();
}

void namespace_::set_adapter(std::unique_ptr<socketio::adapter> a) {
  adapter_ = std::move(a);
  adapter_->on_server_side = [this](const packet& p) { dispatch_server_side(p); };
}

void namespace_::dispatch_server_side(const packet& p) {
  const auto* arr = p.data.if_array();
  if (!arr || arr->empty() || !arr->front().is_string()) return;
  std::string event(arr->front().get_string());
  args a(boost::json::array(arr->begin() + 1, arr->end()), p.attachments);
  auto handlers = server_side_handlers_;
  for (const auto& h : handlers) detail::guarded("server-side handler", [&] { h(event, a); });
}

void namespace_::add(std::shared_ptr<socket> s) {
  pre_connect_[s->id()] = s;
  run_middlewares(std::move(s), 0);
}

void namespace_::run_middlewares(std::shared_ptr<socket> s, std::size_t index) {
  if (index == middlewares_.size()) return finish_connect(s, std::nullopt);
  // `next` may be called later (an async check); it holds the socket, not the namespace's
  // bookkeeping, so a session closed meanwhile is detected in finish_connect.
  auto called = std::make_shared<bool>(false);
  next_fn next = [this, s, index, called](std::optional<connect_error> err) {
    if (*called) return;
    *called = true;
    if (err) return finish_connect(s, std::move(err));
    run_middlewares(s, index + 1);
  };
  bool ok = detail::guarded("middleware", [&] { middlewares_[index](*s, next); });
  // A middleware that throws before deciding refuses the connection, as a failed check would.
  if (!ok && !*called) next(connect_error{"Internal server error", nullptr});
}

void namespace_::finish_connect(const std::shared_ptr<socket>& s,
                                std::optional<connect_error> err) {
  auto c = s->owner();
  if (!c || !c->open()) {
    pre_connect_.erase(s->id());
    s->discard();
    return;
  }
  if (err) {
    pre_connect_.erase(s->id());
    s->discard();
    boost::json::object data;
    data["message"] = err->message;
    if (!err->data.is_null()) data["data"] = err->data;
    packet p;
    p.type = packet_type::connect_error;
    p.nsp = name_;
    p.data = std::move(data);
    c->write(p);
    return;
  }
  pre_connect_.erase(s->id());
  // Keys view the socket's own id: erase first, so that a key never views a socket that left.
  sockets_.erase(s->id());
  index_.erase(s->id());
  sockets_.emplace(s->id(), s);
  index_.emplace(s->id(), s.get());
  s->on_connect();
  if (!s->connected()) return;  // the session closed while the answer was queued
  c->connected(s);
  auto handlers = connection_handlers_;
  for (const auto& h : handlers) {
    if (!s->connected()) break;
    detail::guarded("connection handler", [&] { h(s); });
  }
}

void namespace_::remove(const socket& s) {
  if (auto it = index_.find(s.id()); it != index_.end() && it->second == &s) index_.erase(it);
  if (sockets_.erase(s.id()) == 0) pre_connect_.erase(s.id());
}

}  // namespace chatgate::socketio
