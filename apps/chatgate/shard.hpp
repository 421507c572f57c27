#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "chat/async_chat.hpp"
#include "chat/post_batch.hpp"
#include "chat/runner.hpp"
#include "core/config.hpp"
#include "engineio/server.hpp"
#include "gateway/chat_gateway.hpp"
#include "http/listener.hpp"
#include "path_dispatcher.hpp"
#include "shard_router.hpp"
#include "socketio/server.hpp"

namespace chatgate::app {

/// One io thread's share of the server (IO_THREADS; shard 0 also runs REST, timers of the app
/// and the signals): its io_context, its own Engine.IO and Socket.IO servers and chat gateway,
/// the listeners that run its HTTP connections, and its async_chat (store answers come back to
/// this thread). Nothing here is touched from another thread: other threads reach it by posting
/// to ioc() (the shard_router's hand-offs, the shard_bus, the shard adapter's relays).
class shard {
 public:
  /// Counters of this shard for /metrics, copied on its own thread (snapshot()).
  struct stats {
    std::size_t engine_sessions = 0;
    engineio::server_stats engine;
    std::uint64_t header_timeouts = 0;
    std::size_t http_sessions = 0;
    std::uint64_t handoffs = 0;  // requests and upgrades this thread passed to another
  };

  shard(std::size_t index, const core::config& cfg);
  ~shard();
  shard(const shard&) = delete;
  shard& operator=(const shard&) = delete;

  std::size_t index() const { return index_; }
  boost::asio::io_context& ioc() { return ioc_; }
  engineio::server& engine() { return *engine_; }
  socketio::server& io() { return *io_; }
  /// Null before start_gateway().
  gateway::chat_gateway* gateway() { return gateway_.get(); }
  chat::async_chat& chat() { return *chat_; }
  shard_router& router() { return *router_; }
  path_dispatcher& dispatcher() { return *dispatcher_; }
  std::vector<std::unique_ptr<http::listener>>& listeners() { return listeners_; }

  /// The store: answers of this shard's calls are posted back to ioc().
  void attach_store(chat::runner& runner);
  /// The chat gateway over io().of("/"); `rest` is what path_dispatcher sends non-socket
  /// requests to (REST, answered on shard 0 only: the shard_router forwards them there).
  void start_gateway(http::handler& rest, const auth::verifier& verifier,
                     cluster::connection_map& connections, const core::clock& clock,
                     gateway::gateway_settings settings);
  /// Drops the gateway (before the objects it refers to: store, cluster).
  void stop_gateway() { gateway_.reset(); }
  /// One listener per endpoint (not bound: only shard 0's listeners bind, see app::listen).
  http::listener& add_listener(const boost::asio::ip::tcp::endpoint& endpoint,
                               const http::listener_settings& settings);

  /// On this thread: closes every socket and session (graceful stop, first step).
  void close_sockets();
  /// On this thread: stops the listeners; `done` runs (here) once their connections drained.
  void drain(std::function<void()> done);
  /// On this thread.
  stats snapshot() const;

  /// Runs the io_context on the calling thread until stop() (a work guard keeps it running
  /// while idle).
  void run();
  /// Any thread.
  void stop() { ioc_.stop(); }
  /// After run() returned and its thread is joined: runs the handlers posted meanwhile.
  void finish();

 private:
  std::size_t index_;
  boost::asio::io_context ioc_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  chat::batch_destination answers_;  // this io thread, for the store's answers (rank 1)
  std::unique_ptr<chat::async_chat> chat_;
  std::unique_ptr<engineio::server> engine_;
  std::unique_ptr<socketio::server> io_;
  std::unique_ptr<path_dispatcher> dispatcher_;
  std::unique_ptr<shard_router> router_;
  std::unique_ptr<gateway::chat_gateway> gateway_;
  std::vector<std::unique_ptr<http::listener>> listeners_;
};

}  // namespace chatgate::app
