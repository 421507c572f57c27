#include "socketio/in_memory_adapter.hpp"

#include <limits>

#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {

void in_memory_adapter::add_all(const std::string& id, const std::vector<std::string>& rooms) {
  auto it = sids_.find(std::string_view(id));
  if (it == sids_.end()) {
    it = sids_.emplace(core::compact_string(id), entry{}).first;
    it->second.id = &it->first;
  }
  auto& e = it->second;
  // A batch (the user's conversations at connect) is allocated once, at its size: no spare
  // capacity kept for the socket's life, no reallocations left behind as holes (issue 10).
  if (rooms.size() > 1) e.rooms.reserve(e.rooms.size() + rooms.size());
  for (const auto& name : rooms) {
    if (name == id) {
      e.own_room = true;
      continue;
    }
    auto [rit, new_room] = rooms_.try_emplace(name);
    auto& r = rit->second;
    if (new_room) {
      r.name = &rit->first;
    } else {
      bool member = false;  // a socket is in few rooms: its own list is the short one to search
      for (const auto& j : e.rooms) member = member || j.r == &r;
      if (member) continue;
    }
    r.members.push_back({&e, static_cast<std::uint32_t>(e.rooms.size())});
    e.rooms.push_back({&r, static_cast<std::uint32_t>(r.members.size() - 1)});
  }
}

void in_memory_adapter::unlink(entry& e, std::size_t i) {
  room& r = *e.rooms[i].r;
  const std::uint32_t j = e.rooms[i].at;
  // Out of the room's members: the last member takes its place (and learns its new index).
  if (j + 1 != r.members.size()) {
    r.members[j] = r.members.back();
    r.members[j].e->rooms[r.members[j].at].at = j;
  }
  r.members.pop_back();
  // Out of the socket's rooms, the same way.
  if (i + 1 != e.rooms.size()) {
    e.rooms[i] = e.rooms.back();
    e.rooms[i].r->members[e.rooms[i].at].at = static_cast<std::uint32_t>(i);
  }
  e.rooms.pop_back();
  if (r.members.empty()) rooms_.erase(rooms_.find(*r.name));
}

void in_memory_adapter::del(const std::string& id, std::string_view room_name) {
  auto it = sids_.find(std::string_view(id));
  if (it == sids_.end()) return;
  auto& e = it->second;
  if (room_name == id) e.own_room = false;
  for (std::size_t i = 0; i < e.rooms.size(); ++i) {
    if (*e.rooms[i].r->name == room_name) return unlink(e, i);
  }
}

void in_memory_adapter::del_all(const std::string& id) {
  auto it = sids_.find(std::string_view(id));
  if (it == sids_.end()) return;
  auto& e = it->second;
  while (!e.rooms.empty()) unlink(e, e.rooms.size() - 1);
  sids_.erase(it);
}

socket* in_memory_adapter::resolve(const entry& e) const {
  // Not connected yet (a middleware joined it to a room): not a recipient, as in Node, whose
  // adapter takes only the namespace's connected sockets.
  if (!e.connected) e.connected = nsp_.find(e.id->view()).get();
  return e.connected;
}

template <class F>
void in_memory_adapter::for_each_member(std::string_view name, F&& fn) const {
  if (auto r = rooms_.find(name); r != rooms_.end())
    for (const auto& m : r->second.members) fn(*m.e);
  if (auto e = sids_.find(name); e != sids_.end() && e->second.own_room) fn(e->second);
}

std::vector<std::shared_ptr<socket>> in_memory_adapter::select(
    const broadcast_options& opts) const {
  // Marks instead of sets: `excluded` tags the sockets of the except rooms, `taken` the ones
  // already selected (a socket in several target rooms gets the packet once).
  if (epoch_ > std::numeric_limits<std::uint32_t>::max() - 2) {  // about to wrap: forget marks
    for (const auto& [id, e] : sids_) e.mark = 0;
    epoch_ = 0;
  }
  const std::uint32_t excluded = ++epoch_;
  const std::uint32_t taken = ++epoch_;
  for (const auto& room : opts.except)
    for_each_member(room, [&](const entry& e) { e.mark = excluded; });
  std::vector<std::shared_ptr<socket>> out;
  if (opts.rooms.empty()) {
    out.reserve(sids_.size());
    for (const auto& [id, e] : sids_) {
      if (e.mark == excluded) continue;
      if (auto s = nsp_.find(id.view())) out.push_back(std::move(s));
    }
    return out;
  }
  if (opts.rooms.size() == 1) {
    if (auto r = rooms_.find(*opts.rooms.begin()); r != rooms_.end())
      out.reserve(r->second.members.size());
  }
  for (const auto& room : opts.rooms) {
    for_each_member(room, [&](const entry& e) {
      if (e.mark == excluded || e.mark == taken) return;
      e.mark = taken;
      if (auto* s = resolve(e)) out.push_back(s->shared_from_this());
    });
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
  std::set<std::string> out;
  auto it = sids_.find(id);
  if (it == sids_.end()) return out;
  if (it->second.own_room) out.insert(it->first.str());
  for (const auto& j : it->second.rooms) out.insert(*j.r->name);
  return out;
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
  std::set<std::string> names;  // sorted, each once (a room named like a socket id may be both)
  for (const auto& [room, r] : rooms_) names.insert(room);
  for (const auto& [id, e] : sids_)
    if (e.own_room) names.insert(id.str());
  return {names.begin(), names.end()};
}

std::size_t in_memory_adapter::room_size(std::string_view room) const {
  std::size_t n = 0;
  for_each_member(room, [&](const entry&) { ++n; });
  return n;
}

}  // namespace chatgate::socketio
