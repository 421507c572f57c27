#pragma once
#include <functional>

#include <boost/asio/any_io_executor.hpp>

#include "cluster/connection_map.hpp"

namespace chatgate::cluster {

/// A connection map that lives on another io thread (the Redis map, on thread 0), as seen from
/// one io thread of several (IO_THREADS > 1 with REDIS_URL). Each call is posted to the map's
/// thread and its answer posted back to this one, so the map itself stays single-threaded and
/// every callback still runs on its caller's thread (the connection_map contract: exactly once,
/// here later). Calls from one thread reach the map in their order; answers come back in the
/// map's.
class posted_connection_map final : public connection_map {
 public:
  /// `target` runs on `target_ex`; callbacks run on `home`. `target` must outlive every call
  /// posted to it (the app runs what is left on each thread before destroying the map).
  posted_connection_map(connection_map& target, boost::asio::any_io_executor target_ex,
                        boost::asio::any_io_executor home);

  void register_connection(const std::string& socket_id, const std::string& user_id,
                           callback<std::size_t> done) override;
  void remove_connection(const std::string& socket_id, const std::string& user_id,
                         callback<std::size_t> done) override;
  void user_sockets(const std::string& user_id, callback<socket_ids> done) override;
  void users_sockets(const std::vector<std::string>& user_ids,
                     callback<std::map<std::string, socket_ids>> done) override;
  void is_user_online(const std::string& user_id, callback<bool> done) override;
  void online_users(const std::vector<std::string>& user_ids,
                    callback<std::vector<std::string>> done) override;
  void connection_count(const std::string& user_id, callback<std::size_t> done) override;

 private:
  /// Wraps `done` so that it runs on home_.
  template <class T>
  callback<T> back_home(callback<T> done) const;
  /// Runs `call` on the target's thread.
  void there(std::function<void(connection_map&)> call);

  connection_map& target_;
  boost::asio::any_io_executor target_ex_;
  boost::asio::any_io_executor home_;
};

}  // namespace chatgate::cluster
