#include "socketio/in_memory_adapter.hpp"

#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {

void in_memory_adapter::add_all(const std::string& id, const std::vector<std::string>& rooms) {
  auto& mine = sids_[id];
  for (const auto& room : rooms) {
    mine.insert(room);
    rooms_[room].try_emplace(id);
  }
}

void in_memory_adapter::del(const std::string& id, std::string_view room) {
  if (auto it = sids_.find(id); it != sids_.end()) {
    if (auto r = it->second.find(std::string(room)); r != it->second.end()) it->second.erase(r);
  }
  if (auto it = rooms_.find(room); it != rooms_.end()) {
    it->second.erase(id);
    if (it->second.empty()) rooms_.erase(it);
  }
}

void in_memory_adapter::del_all(const std::string& id) {
  auto it = sids_.find(id);
  if (it == sids_.end()) return;
  for (const auto& room : it->second) {
    if (auto r = rooms_.find(room); r != rooms_.end()) {
      r->second.erase(id);
      if (r->second.empty()) rooms_.erase(r);
    }
  }
  sids_.erase(it);
}

socket* in_memory_adapter::resolve(const std::string& id, const member& m) const {
  // Not connected yet (a middleware joined it to a room): not a recipient, as in Node, whose
  // adapter takes only the namespace's connected sockets.
  if (!m.connected) m.connected = nsp_.find(id).get();
  return m.connected;
}

std::vector<std::shared_ptr<socket>> in_memory_adapter::select(
    const broadcast_options& opts) const {
  std::set<std::string_view> excluded;
  for (const auto& room : opts.except) {
    if (auto r = rooms_.find(room); r != rooms_.end())
      for (const auto& [id, m] : r->second) excluded.insert(id);
  }
  std::vector<std::shared_ptr<socket>> out;
  if (opts.rooms.empty()) {
    out.reserve(sids_.size());
    for (const auto& [id, rooms] : sids_) {
      if (excluded.count(id)) continue;
      if (auto s = nsp_.find(id)) out.push_back(std::move(s));
    }
    return out;
  }
  auto take = [&](const std::string& id, const member& m) {
    if (!excluded.empty() && excluded.count(id)) return;
    if (auto* s = resolve(id, m)) out.push_back(s->shared_from_this());
  };
  if (opts.rooms.size() == 1) {
    auto r = rooms_.find(*opts.rooms.begin());
    if (r == rooms_.end()) return out;
    out.reserve(r->second.size());
    for (const auto& [id, m] : r->second) take(id, m);
    return out;
  }
  std::set<std::string_view> seen;  // a socket in several target rooms gets the packet once
  for (const auto& room : opts.rooms) {
    auto r = rooms_.find(room);
    if (r == rooms_.end()) continue;
    for (const auto& [id, m] : r->second) {
      if (seen.insert(id).second) take(id, m);
    }
  }
  return out;
}

void in_memory_adapter::apply(const broadcast_options& opts,
                              const std::function<void(socket&)>& fn) const {
  for (const auto& s : select(opts)) fn(*s);
}

void in_memory_adapter::broadcast(const packet& p, const broadcast_options& opts) {
  broadcast_encoded(encode(p), opts);
}

void in_memory_adapter::broadcast_encoded(const encoded_packet& enc,
                                          const broadcast_options& opts) {
  for (const auto& s : select(opts)) s->write_encoded(enc);
}

std::set<std::string> in_memory_adapter::sockets(
    const std::set<std::string, std::less<>>& rooms) const {
  broadcast_options opts;
  opts.rooms = rooms;
  std::set<std::string> out;
  for (const auto& s : select(opts)) out.insert(s->id());
  return out;
}

std::set<std::string> in_memory_adapter::socket_rooms(std::string_view id) const {
  auto it = sids_.find(id);
  return it == sids_.end() ? std::set<std::string>{} : it->second;
}

void in_memory_adapter::add_sockets(const broadcast_options& opts,
                                    const std::vector<std::string>& rooms) {
  apply(opts, [&](socket& s) { s.join(rooms); });
}

void in_memory_adapter::del_sockets(const broadcast_options& opts,
                                    const std::vector<std::string>& rooms) {
  apply(opts, [&](socket& s) {
    for (const auto& room : rooms) s.leave(room);
  });
}

void in_memory_adapter::disconnect_sockets(const broadcast_options& opts, bool close_transport) {
  apply(opts, [&](socket& s) { s.disconnect(close_transport); });
}

std::vector<std::shared_ptr<socket>> in_memory_adapter::fetch_sockets(
    const broadcast_options& opts) const {
  return select(opts);
}

std::vector<std::string> in_memory_adapter::rooms() const {
  std::vector<std::string> out;
  out.reserve(rooms_.size());
  for (const auto& [room, ids] : rooms_) out.push_back(room);
  return out;
}

std::size_t in_memory_adapter::room_size(std::string_view room) const {
  auto it = rooms_.find(room);
  return it == rooms_.end() ? 0 : it->second.size();
}

}  // namespace chatgate::socketio
