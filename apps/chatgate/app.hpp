#pragma once
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "auth/jwks_fetcher.hpp"
#include "auth/jwks_keys.hpp"
#include "auth/verifier.hpp"
#include "chat/async_chat.hpp"
#include "chat/events.hpp"
#include "chat/pooled_runner.hpp"
#include "chat/post_batch.hpp"
#include "chat/posting_events.hpp"
#include "chat/presence.hpp"
#include "chat/rate_limiter.hpp"
#include "cluster/local_connection_map.hpp"
#include "cluster/locked_connection_map.hpp"
#include "cluster/posted_connection_map.hpp"
#include "cluster/redis/redis_cluster.hpp"
#include "cluster/shard_bus.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/metrics.hpp"
#include "engineio/server.hpp"
#include "gateway/chat_gateway.hpp"
#include "gateway/shard_events.hpp"
#include "http/listener.hpp"
#include "rest/router.hpp"
#include "shard.hpp"

namespace chatgate::app {

/// A start-up failure: `line` is the one line to print, `exit_code` 2 for a bad setting.
struct startup_error : std::runtime_error {
  startup_error(std::string line, int exit_code)
      : std::runtime_error(std::move(line)), exit_code(exit_code) {}
  int exit_code;
};

/// Forwards to a sink set later (the gateway), and counts stored messages for /metrics.
class forwarding_events final : public chat::events {
 public:
  explicit forwarding_events(core::metrics& metrics)
      : stored_(metrics.counter_for("chatgate_messages_stored_total",
                                    "Messages stored (REST and sockets)")) {}
  void set_target(chat::events* target) { target_ = target ? target : &null_; }

  void message_created(const store::message& m) override;
  void message_updated(const store::message& m) override { target_->message_updated(m); }
  void message_deleted(const store::message& m) override { target_->message_deleted(m); }
  void message_reaction(const store::message& m, std::string_view u, std::string_view emoji,
                        bool added) override {
    target_->message_reaction(m, u, emoji, added);
  }
  void conversation_created(const store::conversation& c) override {
    target_->conversation_created(c);
  }
  void participant_added(const store::conversation& c, std::string_view u) override {
    target_->participant_added(c, u);
  }
  void conversation_read(const store::read_state& s) override { target_->conversation_read(s); }
  void participant_removed(const store::conversation& c, std::string_view u) override {
    target_->participant_removed(c, u);
  }

 private:
  core::metrics::counter stored_;  // resolved once; add() is atomic (any thread)
  chat::null_events null_;
  chat::events* target_ = &null_;
};

/// Forwards to the gateway's presence once set; nobody is online before that.
class forwarding_presence final : public chat::presence {
 public:
  void set_target(chat::presence* target) { target_ = target ? target : &none_; }
  std::vector<std::string> online(const std::vector<std::string>& ids) override {
    return target_->online(ids);
  }
  void query_online(const std::vector<std::string>& ids,
                    std::function<void(std::vector<std::string>)> done) override {
    target_->query_online(ids, std::move(done));
  }

 private:
  chat::no_presence none_;
  chat::presence* target_ = &none_;
};

/// The whole server: IO_THREADS io threads (shards: each an io_context with its own Engine.IO
/// and Socket.IO servers and chat gateway; shard 0 also runs REST, the signals and the listeners'
/// accept loop), the store workers (chat::pooled_runner: every store call runs there), auth, chat
/// rules, REST router and listeners on HTTP_PORT and WS_PORT (one listener when they are equal).
/// run() returns after SIGTERM/SIGINT once in-flight requests are answered and the store is
/// closed. See docs/architecture.md "Several io threads".
class app {
 public:
  /// Opens the store and checks auth settings; throws startup_error.
  explicit app(core::config cfg);
  ~app();

  /// Binds the listeners (throws startup_error), serves until a signal, then drains. Returns the
  /// process exit code (0 after a graceful stop).
  int run();
  /// Begins the graceful stop (what SIGTERM does). On shard 0's thread.
  void stop();

 private:
  /// Called first on a graceful stop (e.g. close sockets); `done` must be called when finished.
  void on_stop(std::function<void(std::function<void()> done)> hook);
  void listen();
  void wait_for_signal();
  void wire_gateway();
  void wire_metrics();
  /// IO_THREADS > 1: the admin connection listing (shard 0) asks every other shard too, then
  /// (REDIS_URL) the other instances.
  void list_every_shard(gateway::chat_gateway& first, cluster::redis::redis_adapter* redis);
  /// Shard 0's Redis adapter of "/" (null without REDIS_URL).
  cluster::redis::redis_adapter* redis_link();
  /// The adapters, and with REDIS_URL the Redis connection map, adapter and readiness check;
  /// the connection map each shard's gateway uses (slot k: shard k).
  std::vector<cluster::connection_map*> wire_cluster();
  void wire_jwks();
  void finish_stop();
  void stop_loops();
  /// On shard 0: copies every shard's counters into snapshots_, then calls `done` (on shard 0).
  void gather_stats(std::function<void()> done);
  boost::asio::io_context& ioc() { return shards_.front()->ioc(); }

  core::config cfg_;
  core::clock clock_;
  core::metrics metrics_;
  std::shared_ptr<auth::jwks_keys> jwks_;  // JWT_JWKS_URL's keys; null when unset
  auth::verifier verifier_;
  chat::rate_limiter limiter_;
  std::vector<std::unique_ptr<shard>> shards_;  // shard 0 first; each owns its io_context
  cluster::shard_bus bus_;                      // store events to every shard, relays
  forwarding_events events_{metrics_};          // shard 0's sink: counts, then its gateway
  gateway::shard_events shard_events_;          // a published event -> that shard's sink
  chat::batch_destination published_;           // bus_ as a destination of group-commit batches
  chat::posting_events worker_events_;          // what the store workers report, published
  std::unique_ptr<chat::pooled_runner> runner_;
  forwarding_presence presence_;
  std::unique_ptr<rest::router> router_;  // on shard 0
  std::vector<std::function<void(std::function<void()>)>> stop_hooks_;
  std::vector<shard::stats> snapshots_;                // gather_stats(): slot k written by shard k
  std::vector<std::function<void()>> gather_waiting_;  // /metrics requests a gather answers
  std::unique_ptr<cluster::local_connection_map> connections_;  // one thread, no REDIS_URL
  std::unique_ptr<cluster::locked_connection_map> shared_map_;  // several threads
  std::unique_ptr<cluster::redis::redis_cluster> cluster_;      // REDIS_URL set
  // REDIS_URL with several threads: shard k's way to the Redis map on shard 0 (k >= 1).
  std::vector<std::unique_ptr<cluster::posted_connection_map>> posted_maps_;
  std::function<std::size_t()> socket_count_;  // this instance's sockets, for /metrics
  std::function<std::size_t()> online_count_;  // users with a socket here, for /metrics
  std::shared_ptr<auth::jwks_fetcher> jwks_fetcher_;
  std::vector<std::thread> threads_;  // shards 1..n-1
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_deadline_;
  bool stopping_ = false;
  std::shared_ptr<int> serving_ = std::make_shared<int>(0);  // reset once the loops stopped
};

}  // namespace chatgate::app
