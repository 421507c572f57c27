#pragma once
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/any_io_executor.hpp>

#include "engineio/socket.hpp"
#include "socketio/adapter.hpp"
#include "socketio/namespace_.hpp"
#include "socketio/session_store.hpp"
#include "socketio/settings.hpp"

namespace chatgate::socketio {

class client;

/// The Socket.IO server (Node's `Server`): takes Engine.IO sessions and serves namespaces over
/// them. Everything runs on the one io thread of `ex`.
///
///   socketio::server io(ioc.get_executor(), {});
///   engineio_server.on_connection = [&](auto s) { io.accept(std::move(s)); };
///   io.of("/").use([](socketio::socket& s, auto next) { next(); });
///   io.of("/").on_connection([](std::shared_ptr<socketio::socket> s) { s->emit("hi"); });
class server {
 public:
  server(boost::asio::any_io_executor ex, socketio::settings s = {});
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Takes a new Engine.IO session (call from engineio's connection callback).
  void accept(std::shared_ptr<engineio::socket> conn);

  /// The namespace `name`, created on first use ("/" always exists). A CONNECT to a namespace
  /// never created here is refused with CONNECT_ERROR {"message":"Invalid namespace"}.
  namespace_& of(std::string_view name = "/");
  /// The namespace `name` if it exists.
  namespace_* find(std::string_view name);

  /// Sets the adapter of every namespace, existing and future (Node's io.adapter()).
  void set_adapter(adapter_factory factory);

  /// Disconnects every socket ("server shutting down") and closes every session.
  void close();

  /// Turns connection state recovery on (`store` non-null; it must outlive the server's
  /// sockets) or off (null, the default): see session_store.hpp.
  void set_session_store(session_store* store) { session_store_ = store; }
  session_store* sessions() const { return session_store_; }

  const socketio::settings& settings() const { return settings_; }
  boost::asio::any_io_executor executor() const { return executor_; }
  /// Number of Engine.IO sessions served.
  std::size_t client_count() const { return clients_.size(); }

  // Used by client / namespace_.
  std::string generate_id();
  std::unique_ptr<adapter> make_adapter(namespace_& nsp);
  void remove_client(const client& c);

 private:
  boost::asio::any_io_executor executor_;
  socketio::settings settings_;
  adapter_factory adapter_factory_;
  std::map<std::string, std::unique_ptr<namespace_>, std::less<>> nsps_;
  // Keyed by a view of the client's Engine.IO session id (the client holds its session, and
  // leaves this map before it goes): no copy of the id, a smaller node (issue 10).
  std::unordered_map<std::string_view, std::shared_ptr<client>> clients_;
  std::mt19937_64 rng_;
  session_store* session_store_ = nullptr;
};

}  // namespace chatgate::socketio
