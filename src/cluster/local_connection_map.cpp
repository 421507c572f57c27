#include "cluster/local_connection_map.hpp"

#include <algorithm>
#include <unordered_set>

namespace chatgate::cluster {

std::size_t local_connection_map::add(const std::string& socket_id, const std::string& user_id) {
  // A socket id registered again under another user moves: a socket belongs to one user.
  if (auto it = by_socket_.find(std::string_view(socket_id));
      it != by_socket_.end() && *it->second != user_id) {
    const std::string previous = *it->second;  // a copy: remove() erases the entry it lives in
    remove(socket_id, previous);
  }
  auto [user, made] = by_user_.try_emplace(user_id);
  auto& sockets = user->second;
  if (std::find(sockets.begin(), sockets.end(), std::string_view(socket_id)) == sockets.end())
    sockets.emplace_back(socket_id);
  by_socket_.insert_or_assign(core::compact_string(socket_id), &user->first);
  return sockets.size();
}

std::size_t local_connection_map::remove(const std::string& socket_id, const std::string& user_id) {
  if (auto it = by_socket_.find(std::string_view(socket_id));
      it != by_socket_.end() && *it->second == user_id)
    by_socket_.erase(it);
  auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return 0;
  auto& sockets = it->second;
  if (auto s = std::find(sockets.begin(), sockets.end(), std::string_view(socket_id));
      s != sockets.end()) {
    *s = std::move(sockets.back());
    sockets.pop_back();
  }
  const auto left = sockets.size();
  if (left == 0) by_user_.erase(it);
  return left;
}

connection_map::socket_ids local_connection_map::sockets_of(const std::string& user_id) const {
  auto it = by_user_.find(user_id);
  if (it == by_user_.end()) return {};
  socket_ids out;
  out.reserve(it->second.size());
  for (const auto& id : it->second) out.push_back(id.str());
  std::sort(out.begin(), out.end());  // in id order, as the std::set it was gave them
  return out;
}

std::vector<std::string> local_connection_map::online(
    const std::vector<std::string>& user_ids) const {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& id : user_ids)
    if (by_user_.contains(id) && seen.insert(id).second) out.push_back(id);
  return out;
}

std::size_t local_connection_map::count(const std::string& user_id) const {
  auto it = by_user_.find(user_id);
  return it == by_user_.end() ? 0 : it->second.size();
}

void local_connection_map::register_connection(const std::string& socket_id,
                                               const std::string& user_id,
                                               callback<std::size_t> done) {
  done(add(socket_id, user_id));
}

void local_connection_map::remove_connection(const std::string& socket_id,
                                             const std::string& user_id,
                                             callback<std::size_t> done) {
  done(remove(socket_id, user_id));
}

void local_connection_map::user_sockets(const std::string& user_id, callback<socket_ids> done) {
  done(sockets_of(user_id));
}

void local_connection_map::users_sockets(const std::vector<std::string>& user_ids,
                                         callback<std::map<std::string, socket_ids>> done) {
  std::map<std::string, socket_ids> out;
  for (const auto& id : user_ids) out[id] = sockets_of(id);
  done(std::move(out));
}

void local_connection_map::is_user_online(const std::string& user_id, callback<bool> done) {
  done(by_user_.contains(user_id));
}

void local_connection_map::online_users(const std::vector<std::string>& user_ids,
                                        callback<std::vector<std::string>> done) {
  done(online(user_ids));
}

void local_connection_map::connection_count(const std::string& user_id,
                                            callback<std::size_t> done) {
  done(count(user_id));
}

}  // namespace chatgate::cluster
