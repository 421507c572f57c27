#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "engineio/socket.hpp"
#include "socketio/decoder.hpp"
#include "socketio/handshake.hpp"
#include "socketio/packet.hpp"
#include "socketio/session_store.hpp"

namespace chatgate::socketio {

class server;
class socket;
class namespace_;

/// One Engine.IO session and the namespaces it joined (Node's Client): decodes packets, routes
/// them to the socket of their namespace, closes the session on invalid input or when no
/// namespace is joined within connect_timeout.
class client : public std::enable_shared_from_this<client> {
 public:
  client(server& srv, std::shared_ptr<engineio::socket> conn);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Wires the session's callbacks and starts the connect timer.
  void start();

  const std::string& id() const { return conn_->id(); }
  engineio::socket& conn() { return *conn_; }
  const std::shared_ptr<engineio::socket>& conn_ptr() const { return conn_; }
  bool open() const { return open_; }

  /// Queues an encoded packet on the session (nothing once closed).
  void write(const encoded_packet& enc);
  void write(const packet& p) { write(encode(p)); }

  /// Disconnects every namespace, then closes the session (socket::disconnect(true)).
  void disconnect_all();
  /// Closes the session; its sockets disconnect with `reason`.
  void close(std::string_view reason = "forced server close");

  // Used by socket / namespace_.
  void connected(const std::shared_ptr<socket>& s);
  void remove(const socket& s);

 private:
  void on_text(std::string_view text);
  void on_binary(std::string_view bytes);
  void on_decoded(packet p);
  void on_error();
  void on_close(std::string_view reason);
  void connect(const std::string& nsp, boost::json::object auth);
  void add_socket(namespace_& nsp, handshake hs, std::string pid,
                  std::optional<restored_session> restored);

  server& server_;
  std::shared_ptr<engineio::socket> conn_;
  /// The socket of namespace `name` joined by this session, or nullptr.
  std::shared_ptr<socket> socket_of(std::string_view name) const;

  decoder decoder_;
  /// Only until the first namespace is joined (an asio timer is ~100 bytes a session).
  std::unique_ptr<boost::asio::steady_timer> connect_timer_;
  bool open_ = true;     // writes accepted
  bool closed_ = false;  // sockets closed, input ignored
  // The sockets of the namespaces joined, one per namespace (a client joins one or a few: a
  // vector, where a std::map cost a tree node per session).
  std::vector<std::shared_ptr<socket>> nsps_;
};

}  // namespace chatgate::socketio
