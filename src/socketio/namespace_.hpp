#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "socketio/adapter.hpp"
#include "socketio/args.hpp"
#include "socketio/broadcast_operator.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {

class server;
class socket;
class client;

/// Refusal of a connection by a middleware: the client gets CONNECT_ERROR {message, data?}
/// and its `connect_error` handler sees an Error with that message and `data`.
struct connect_error {
  std::string message;
  boost::json::value data;  // null: omitted
};

/// A Socket.IO namespace ("/", "/admin"...): its sockets, middlewares and adapter.
class namespace_ {
 public:
  /// Calls `next()` to accept, `next(connect_error{...})` to refuse; may call it later (async).
  using next_fn = std::function<void(std::optional<connect_error>)>;
  using middleware = std::function<void(socket& s, next_fn next)>;
  using connection_handler = std::function<void(std::shared_ptr<socket> s)>;
  using server_side_handler = std::function<void(std::string_view event, const args& a)>;
  /// Handles a client event of any socket of the namespace (the socket is the first argument).
  using socket_event_handler = std::function<void(socket& s, const args& a, ack_fn ack)>;
  /// Runs when any socket of the namespace disconnects, before the socket's own handlers.
  using socket_disconnect_handler = std::function<void(socket& s, std::string_view reason)>;

  namespace_(server& srv, std::string name);
  ~namespace_();
  namespace_(const namespace_&) = delete;
  namespace_& operator=(const namespace_&) = delete;

  const std::string& name() const { return name_; }
  server& owner() const { return server_; }

  /// Adds a middleware run, in order, for every connecting socket before on_connection.
  void use(middleware mw);
  /// Called for each accepted socket, after the CONNECT answer has been queued.
  void on_connection(connection_handler handler);

  /// Registers the handler of a client event for every socket of the namespace (replaces an
  /// earlier one of the same name). One table per namespace rather than one per socket: a
  /// handler a socket registered itself (socket::on) wins over this one.
  void on(std::string event, socket_event_handler handler);
  /// The namespace's handler of `event`, null when none.
  const socket_event_handler* find_handler(std::string_view event) const;
  /// Registers a disconnect handler for every socket of the namespace (see socket::on_disconnect).
  void on_socket_disconnect(socket_disconnect_handler handler);
  const std::vector<socket_disconnect_handler>& socket_disconnect_handlers() const {
    return socket_disconnect_handlers_;
  }

  /// Broadcast selections (Node's nsp.to / in / except / local).
  broadcast_operator to(std::string room);
  broadcast_operator to(const std::vector<std::string>& rooms);
  broadcast_operator in(std::string room) { return to(std::move(room)); }
  broadcast_operator except(std::string room);
  broadcast_operator local();
  /// Sends to every socket of the namespace. False for a reserved event name.
  bool emit(std::string_view event, args a = {});

  /// Sockets of `rooms_selector` (all when empty) join / leave `rooms`.
  void sockets_join(const std::vector<std::string>& rooms_selector,
                    const std::vector<std::string>& rooms);
  void sockets_leave(const std::vector<std::string>& rooms_selector,
                     const std::vector<std::string>& rooms);
  /// Disconnects the sockets of `rooms_selector` (all when empty).
  void disconnect_sockets(const std::vector<std::string>& rooms_selector, bool close_transport);
  /// Local sockets in any of `rooms` (all when empty).
  std::vector<std::shared_ptr<socket>> fetch_sockets(const std::vector<std::string>& rooms = {});

  /// Sends an event to this namespace on the other instances (cluster adapter only).
  void server_side_emit(std::string_view event, args a = {});
  /// Handles events other instances sent with server_side_emit.
  void on_server_side(server_side_handler handler);

  /// Connected sockets by id.
  const std::map<std::string_view, std::shared_ptr<socket>, std::less<>>& sockets() const {
    return sockets_;
  }
  std::shared_ptr<socket> find(std::string_view id) const;

  socketio::adapter& adapter() { return *adapter_; }
  /// Replaces the adapter (before any socket connects).
  void set_adapter(std::unique_ptr<socketio::adapter> a);

  // Used by client and socket.
  void add(std::shared_ptr<socket> s);
  void remove(const socket& s);

 private:
  broadcast_operator local_all() { return broadcast_operator(*this, {}); }
  void dispatch_server_side(const packet& p);
  void run_middlewares(std::shared_ptr<socket> s, std::size_t index);
  void finish_connect(const std::shared_ptr<socket>& s, std::optional<connect_error> err);

  server& server_;
  std::string name_;
  std::vector<middleware> middlewares_;
  std::vector<connection_handler> connection_handlers_;
  std::vector<server_side_handler> server_side_handlers_;
  std::map<std::string, socket_event_handler, std::less<>> event_handlers_;
  std::vector<socket_disconnect_handler> socket_disconnect_handlers_;
  // Keyed by a view of each socket's own id (no copy of it on the heap, issue 10).
  std::map<std::string_view, std::shared_ptr<socket>, std::less<>> sockets_;
  // Hash index over sockets_ for find(), the per-recipient lookup of every broadcast (keys view
  // the sockets' own ids).
  std::unordered_map<std::string_view, socket*> index_;
  std::map<std::string, std::shared_ptr<socket>, std::less<>> pre_connect_;
  std::unique_ptr<socketio::adapter> adapter_;
};

}  // namespace chatgate::socketio
