#pragma once
#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "socketio/args.hpp"
#include "socketio/broadcast_operator.hpp"
#include "socketio/handshake.hpp"
#include "socketio/packet.hpp"
#include "socketio/session_store.hpp"

namespace chatgate::socketio {

class client;
class namespace_;

/// Why an awaited ack did not come: "operation has timed out", "socket has been disconnected",
/// "too many pending acks".
struct ack_error {
  std::string message;
};

/// Answers a client's event; empty (`!ack`) when the client asked for no ack. Call once.
using ack_fn = std::function<void(args reply)>;
/// Handles a client event. A handler taking `const boost::json::array&` fits too.
using event_handler = std::function<void(const args& a, ack_fn ack)>;
/// Sees every client event before its handler (Node's onAny).
using any_handler = std::function<void(std::string_view event, const args& a)>;
/// Receives a client's ack, or why none came.
using ack_callback = std::function<void(std::optional<ack_error> err, args reply)>;
using disconnect_handler = std::function<void(std::string_view reason)>;

/// One client connected to one namespace (Node's Socket). Lives on the io thread; owned by its
/// namespace and session while connected; a shared_ptr kept by the application stays valid
/// after the disconnect (connected() is then false and sends are dropped).
///
/// Disconnect reasons, as Node: "client namespace disconnect", "server namespace disconnect",
/// "transport close", "transport error", "ping timeout", "parse error", "forced close",
/// "forced server close", "server shutting down", and engineio's "slow client".
class socket : public std::enable_shared_from_this<socket> {
 public:
  socket(namespace_& nsp, std::weak_ptr<client> c, std::string id, socketio::handshake hs);
  ~socket();
  socket(const socket&) = delete;
  socket& operator=(const socket&) = delete;

  /// Random id, distinct from the Engine.IO session id (protocol 5).
  const std::string& id() const { return id_; }
  namespace_& nsp() const { return nsp_; }
  const socketio::handshake& handshake() const { return handshake_; }
  /// Drops `key` from handshake().auth (its memory with it; an auth left empty releases its
  /// table too). The gateway drops the token once it is checked.
  void forget_auth(std::string_view key);
  /// Application state (the gateway's user): std::any_cast<T>(&s.data()).
  std::any& data() { return data_; }
  const std::any& data() const { return data_; }
  bool connected() const { return connected_; }
  /// The Engine.IO session id; empty once disconnected.
  std::string session_id() const;
  /// The Engine.IO session under this socket (Node's socket.conn), null once disconnected.
  /// Closing it drops the transport without a DISCONNECT: the client reconnects.
  std::shared_ptr<engineio::socket> conn() const;
  /// "polling" or "websocket" (empty once disconnected).
  std::string_view transport_name() const;
  /// Connection state recovery: the private session id sent in the CONNECT answer (Node's
  /// socket.pid); empty when recovery is off.
  const std::string& pid() const;
  /// True when this socket took over an earlier session: old id, rooms, missed events
  /// (Node's socket.recovered).
  bool recovered() const { return recovered_; }

  /// Registers the handler of a client event (replaces an earlier one of the same name).
  void on(std::string event, event_handler handler);
  void on_any(any_handler handler);
  /// Fires just before the socket leaves its rooms (Node's "disconnecting"): rooms() still set.
  void on_disconnecting(disconnect_handler handler);
  /// Fires once, after the socket left its rooms.
  void on_disconnect(disconnect_handler handler);

  /// Sends an event to this client. False for a reserved name or a disconnected socket.
  bool emit(std::string_view event, args a = {});
  /// Sends an event asking for an ack; `cb` runs once with the reply or an ack_error.
  /// `timeout` zero: settings().ack_timeout.
  bool emit_with_ack(std::string_view event, args a, ack_callback cb,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());

  void join(std::string room);
  void join(const std::vector<std::string>& rooms);
  void leave(std::string_view room);
  /// Rooms this socket is in (its own id included), from the adapter.
  std::set<std::string> rooms() const;

  /// Everyone in `room` but this socket (Node's socket.to).
  broadcast_operator to(std::string room) const;
  broadcast_operator to(const std::vector<std::string>& rooms) const;
  broadcast_operator except(std::string room) const;
  /// Everyone in the namespace but this socket (Node's socket.broadcast).
  broadcast_operator broadcast() const;

  /// Sends DISCONNECT (the client sees "io server disconnect") and drops the socket; with
  /// `close_transport`, also closes the Engine.IO session and its other namespaces.
  void disconnect(bool close_transport = false);

  // Used by client and namespace_.
  std::shared_ptr<client> owner() const { return client_.lock(); }
  /// Before add(): the pid to announce, and the session taken over (socket_recovery.cpp).
  void set_recovery(std::string pid, std::optional<restored_session> restored);
  void on_connect();
  void on_packet(packet p);
  void on_close(std::string_view reason);
  /// Drops a socket that never connected (middleware refused it or the session closed first).
  void discard();
  void send_packet(packet p);
  /// Queues packet buffers encoded elsewhere (a broadcast).
  void write_encoded(const encoded_packet& enc);

 private:
  void on_event(packet p);
  void on_ack(packet p);
  ack_fn make_ack(std::uint64_t id);
  void fail_pending_acks(const std::string& message);
  /// At connect: joins the restored rooms and queues the missed events (socket_recovery.cpp).
  void replay_restored();

  struct pending_ack {
    ack_callback cb;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  /// What most sockets never use (the gateway's handlers are the namespace's; acks awaited from
  /// the client, recovery), allocated on first use: an idle socket holds none of it (issue 10:
  /// ~280 bytes per socket).
  struct rare {
    std::map<std::string, event_handler, std::less<>> handlers;
    std::vector<any_handler> any_handlers;
    std::vector<disconnect_handler> disconnecting_handlers;
    std::vector<disconnect_handler> disconnect_handlers;
    std::uint64_t next_ack_id = 0;
    std::map<std::uint64_t, pending_ack> acks;
    std::string pid;
    std::optional<restored_session> restored;  // until on_connect()
  };
  rare& rare_state() {
    if (!rare_) rare_ = std::make_unique<rare>();
    return *rare_;
  }

  namespace_& nsp_;
  std::weak_ptr<client> client_;
  bool closed_ = false;  // left for good: joins are ignored (Node's join = noop)
  bool connected_ = false;
  bool recovered_ = false;
  std::string id_;
  socketio::handshake handshake_;
  std::any data_;
  std::unique_ptr<rare> rare_;
};

}  // namespace chatgate::socketio
