#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "cluster/instance_link.hpp"
#include "cluster/process_sockets.hpp"
#include "cluster/redis/adapter_request.hpp"
#include "cluster/redis/pending_requests.hpp"
#include "cluster/redis/pubsub_transport.hpp"
#include "core/metrics.hpp"
#include "socketio/in_memory_adapter.hpp"

namespace chatgate::cluster::redis {

/// Settings of the Redis adapter (Node's RedisAdapterOptions).
struct redis_adapter_settings {
  /// Channel prefix (Node's `key`).
  std::string key = "socket.io";
  /// This adapter's uid in every frame and request; random per process.
  std::string uid;
  /// What a REMOTE_FETCH answer says in each socket's `data` (Node's socket.data); null if unset.
  std::function<boost::json::value(const socketio::socket&)> socket_data;
  /// Answers a SERVER_SIDE_EMIT that asks for an ack (Node's serverSideEmitWithAck): gets the
  /// packet and a function to call once with the answer. Unset: such requests are dispatched to
  /// the namespace's server-side handlers and not answered (the sender then times out).
  std::function<void(const socketio::packet&, std::function<void(boost::json::value)>)>
      server_side_ack;
  /// How long a request to the other instances (fetch_remote_sockets) waits for their answers
  /// (Node's requestsTimeout).
  std::chrono::milliseconds requests_timeout{5000};
  /// This process's sockets, for what other instances send (frames, room changes, requests).
  /// Null: this adapter's own rooms (one io thread, the adapter installed on the namespace).
  /// Several io threads: cluster::shard_adapter on thread 0, which owns this adapter as its
  /// instance_link and calls the send_* functions (see docs/cluster.md "Several io threads").
  cluster::process_sockets* process = nullptr;
};

/// A namespace's adapter across instances, wire-compatible with @socket.io/redis-adapter 8.x
/// (classic protocol; frames and requests in adapter_frame.hpp / adapter_request.hpp).
///
/// Broadcasts go to the local sockets and are PUBLISHed on `socket.io#<nsp>#` (or the room's
/// channel when exactly one room is targeted). The subscriber PSUBSCRIBEs `socket.io#<nsp>#*`, as
/// Node does; a frame on a room channel for a room with no local socket is dropped before it is
/// decoded, a frame with this adapter's uid or another namespace is ignored, a malformed one is
/// logged and counted. It SUBSCRIBEs `socket.io-request#<nsp>#` (exactly one subscription per
/// instance, so Node's serverCount() counts it once) and `socket.io-response#<nsp>#`, and answers
/// requests 0-7 on the latter. It sends REMOTE_FETCH itself (fetch_remote_sockets), expecting one
/// answer per other subscriber of the request channel (PUBSUB NUMSUB, as Node's serverCount).
///
/// Room changes of several sockets (sockets_join / sockets_leave / disconnect_sockets) are applied
/// to local sockets at once, then published as REMOTE_JOIN / REMOTE_LEAVE / REMOTE_DISCONNECT;
/// every other instance applies them whatever their uid (a redis-emitter's "emitter" included).
/// This instance skips its own: it already applied them, before any later broadcast, and keeps
/// doing so while Redis is down (Node instead applies its own on the way back from Redis).
///
/// Threads: the io thread of the namespace; both connections must run on it, and so does every
/// callback this adapter calls. With `settings.process` (several io threads) only that thread's
/// shard_adapter calls it; the `gather` functions it passes run on every thread and touch only
/// that thread's sockets (an ack they wait for is published from this thread).
class redis_adapter final : public socketio::in_memory_adapter, public cluster::instance_link {
 public:
  redis_adapter(socketio::namespace_& nsp, std::shared_ptr<pubsub_transport> pub,
                std::shared_ptr<pubsub_transport> sub, core::metrics* metrics,
                redis_adapter_settings settings);
  ~redis_adapter() override;

  void broadcast(const socketio::packet& p, const socketio::broadcast_options& opts) override;
  void add_sockets(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override;
  void del_sockets(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override;
  void disconnect_sockets(const socketio::broadcast_options& opts, bool close_transport) override;
  void server_side_emit(const socketio::packet& p) override;

  // cluster::instance_link: publish only (the caller delivered to this process's sockets).
  void send_broadcast(const socketio::packet& p, const socketio::broadcast_options& opts) override;
  void send_add_sockets(const socketio::broadcast_options& opts,
                        const std::vector<std::string>& rooms) override;
  void send_del_sockets(const socketio::broadcast_options& opts,
                        const std::vector<std::string>& rooms) override;
  void send_disconnect_sockets(const socketio::broadcast_options& opts,
                               bool close_transport) override;
  void send_server_side_emit(const socketio::packet& p) override;

  const std::string& uid() const { return settings_.uid; }

  /// What fetch_remote_sockets found: each socket as the other instances' REMOTE_FETCH answers
  /// give it ({id, handshake, rooms, data}), and whether every instance answered in time.
  struct remote_sockets {
    std::vector<boost::json::object> sockets;
    bool complete = false;
  };
  /// Node's fetchSockets() minus the local part: a REMOTE_FETCH for `opts` to every other
  /// instance, answers gathered until each came or requests_timeout. May be called from any
  /// thread (it moves to this adapter's executor); `done` runs once, on that executor, never
  /// inside the call; Redis away: empty and incomplete.
  void fetch_remote_sockets(const socketio::broadcast_options& opts,
                            std::function<void(remote_sockets)> done);
  /// Requests sent and still waiting for answers.
  std::size_t pending_request_count() const { return pending_.size(); }

  /// The channels this adapter uses.
  const std::string& broadcast_prefix() const { return channel_; }
  const std::string& request_channel() const { return request_channel_; }
  const std::string& response_channel() const { return response_channel_; }

 private:
  void on_frame(std::string_view channel, std::string_view payload);
  void on_request(std::string_view payload);
  void on_response(std::string_view payload);
  void ask_server_count(const socketio::broadcast_options& opts,
                        std::function<void(remote_sockets)> done);
  void send_fetch(const socketio::broadcast_options& opts, std::size_t expected,
                  std::function<void(remote_sockets)> done);
  void arm_request_timer();
  void answer_names(const adapter_request& r);
  void answer_fetch(const adapter_request& r);
  void answer_broadcast_with_ack(const adapter_request& r);
  void apply_socket_request(const adapter_request& r);
  void publish(const std::string& channel, std::string payload);
  void count(std::string_view name, std::string_view help, std::string_view result);

  std::shared_ptr<pubsub_transport> pub_, sub_;
  core::metrics* metrics_;
  redis_adapter_settings settings_;
  std::string channel_, request_channel_, response_channel_;
  pending_requests pending_;
  boost::asio::steady_timer request_timer_;
  std::unique_ptr<cluster::process_sockets> own_;  // this adapter's rooms (no settings.process)
  cluster::process_sockets* local_;                // own_ or settings.process
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chatgate::cluster::redis
