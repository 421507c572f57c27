#include "cluster/locked_connection_map.hpp"

namespace chatgate::cluster {

namespace {

/// Runs `read` under the lock and `done` after it.
template <class T, class Read>
void answer(std::mutex& m, Read&& read, const connection_map::callback<T>& done) {
  T value;
  {
    std::lock_guard lock(m);
    value = read();
  }
  done(std::move(value));
}

}  // namespace

void locked_connection_map::register_connection(const std::string& socket_id,
                                                const std::string& user_id,
                                                callback<std::size_t> done) {
  answer<std::size_t>(
      mutex_, [&] { return map_.add(socket_id, user_id); }, done);
}

void locked_connection_map::remove_connection(const std::string& socket_id,
                                              const std::string& user_id,
                                              callback<std::size_t> done) {
  answer<std::size_t>(
      mutex_, [&] { return map_.remove(socket_id, user_id); }, done);
}

void locked_connection_map::user_sockets(const std::string& user_id, callback<socket_ids> done) {
  answer<socket_ids>(
      mutex_, [&] { return map_.sockets_of(user_id); }, done);
}

void locked_connection_map::users_sockets(const std::vector<std::string>& user_ids,
                                          callback<std::map<std::string, socket_ids>> done) {
  answer<std::map<std::string, socket_ids>>(
      mutex_,
      [&] {
        std::map<std::string, socket_ids> out;
        for (const auto& id : user_ids) out[id] = map_.sockets_of(id);
        return out;
      },
      done);
}

void locked_connection_map::is_user_online(const std::string& user_id, callback<bool> done) {
  answer<bool>(
      mutex_, [&] { return map_.count(user_id) > 0; }, done);
}

void locked_connection_map::online_users(const std::vector<std::string>& user_ids,
                                         callback<std::vector<std::string>> done) {
  answer<std::vector<std::string>>(
      mutex_, [&] { return map_.online(user_ids); }, done);
}

void locked_connection_map::connection_count(const std::string& user_id,
                                             callback<std::size_t> done) {
  answer<std::size_t>(
      mutex_, [&] { return map_.count(user_id); }, done);
}

std::size_t locked_connection_map::online_count() const {
  std::lock_guard lock(mutex_);
  return map_.online_count();
}

std::size_t locked_connection_map::socket_count() const {
  std::lock_guard lock(mutex_);
  return map_.socket_count();
}

}  // namespace chatgate::cluster
