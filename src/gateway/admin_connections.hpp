#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "chat/connection_directory.hpp"
#include "socketio/namespace_.hpp"

namespace chatgate::gateway {

/// chat::connection_directory over this instance's namespace: every registered socket (or the
/// user's, through the room user:{id}) with its transport, connect time and named rooms. With a
/// remote fetch set (REDIS_URL: the Redis adapter's REMOTE_FETCH), the other instances' sockets
/// too, as their socket_data() describes them. Runs on the io thread; the answer comes at once
/// when local only, else once the other instances answered (or their time is up).
class admin_connections final : public chat::connection_directory {
 public:
  /// Fetches the sockets other instances hold, each as a REMOTE_FETCH answer gives it
  /// ({id, handshake, rooms, data}); calls its callback once, on the io thread.
  using remote_fetch = std::function<void(const socketio::broadcast_options&,
                                          std::function<void(std::vector<boost::json::object>)>)>;

  /// `instance`: what names this process in the answer; empty: "<hostname>:<pid>".
  admin_connections(socketio::namespace_& nsp, std::string instance = {});

  void list_connections(const std::optional<std::string>& user_id,
                        std::function<void(std::vector<chat::connection_record>)> done) override;

  /// Lists the other instances' sockets too (unset: this instance's only).
  void set_remote(remote_fetch fetch) { remote_ = std::move(fetch); }
  /// What this instance says of `s` in a REMOTE_FETCH answer's `data`: {userId, instance,
  /// transport, connectedAt} (ISO); null for a socket not authenticated yet.
  boost::json::value socket_data(const socketio::socket& s) const;
  /// The record of a socket another instance described with socket_data(); nullopt for one that
  /// is not such (a Node peer's socket, a socket not authenticated, a malformed answer).
  static std::optional<chat::connection_record> record_of(const boost::json::object& fetched);

  const std::string& instance() const { return instance_; }

 private:
  std::vector<chat::connection_record> local(const std::optional<std::string>& user_id);

  socketio::namespace_& nsp_;
  std::string instance_;
  remote_fetch remote_;
};

}  // namespace chatgate::gateway
