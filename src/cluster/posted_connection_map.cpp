#include "cluster/posted_connection_map.hpp"

#include <boost/asio/post.hpp>

namespace chatgate::cluster {

posted_connection_map::posted_connection_map(connection_map& target,
                                             boost::asio::any_io_executor target_ex,
                                             boost::asio::any_io_executor home)
    : target_(target), target_ex_(std::move(target_ex)), home_(std::move(home)) {}

template <class T>
connection_map::callback<T> posted_connection_map::back_home(callback<T> done) const {
  return [home = home_, done = std::move(done)](T value) mutable {
    boost::asio::post(home, [done = std::move(done), value = std::move(value)]() mutable {
      done(std::move(value));
    });
  };
}

void posted_connection_map::there(std::function<void(connection_map&)> call) {
  boost::asio::post(target_ex_, [&target = target_, call = std::move(call)] { call(target); });
}

void posted_connection_map::register_connection(const std::string& socket_id,
                                                const std::string& user_id,
                                                callback<std::size_t> done) {
  there([socket_id, user_id, done = back_home(std::move(done))](connection_map& m) {
    m.register_connection(socket_id, user_id, done);
  });
}

void posted_connection_map::remove_connection(const std::string& socket_id,
                                              const std::string& user_id,
                                              callback<std::size_t> done) {
  there([socket_id, user_id, done = back_home(std::move(done))](connection_map& m) {
    m.remove_connection(socket_id, user_id, done);
  });
}

void posted_connection_map::user_sockets(const std::string& user_id, callback<socket_ids> done) {
  there([user_id, done = back_home(std::move(done))](connection_map& m) {
    m.user_sockets(user_id, done);
  });
}

void posted_connection_map::users_sockets(const std::vector<std::string>& user_ids,
                                          callback<std::map<std::string, socket_ids>> done) {
  there([user_ids, done = back_home(std::move(done))](connection_map& m) {
    m.users_sockets(user_ids, done);
  });
}

void posted_connection_map::is_user_online(const std::string& user_id, callback<bool> done) {
  there([user_id, done = back_home(std::move(done))](connection_map& m) {
    m.is_user_online(user_id, done);
  });
}

void posted_connection_map::online_users(const std::vector<std::string>& user_ids,
                                         callback<std::vector<std::string>> done) {
  there([user_ids, done = back_home(std::move(done))](connection_map& m) {
    m.online_users(user_ids, done);
  });
}

void posted_connection_map::connection_count(const std::string& user_id,
                                             callback<std::size_t> done) {
  there([user_id, done = back_home(std::move(done))](connection_map& m) {
    m.connection_count(user_id, done);
  });
}

}  // namespace chatgate::cluster
