#include "app.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <thread>

#include "cluster/posted_connection_map.hpp"
#include "cluster/shard_adapter.hpp"
#include "engineio/transports/send_batch.hpp"
#include "store/store_factory.hpp"

namespace chatgate::app {

namespace {

/// Opens the store workers' connections (at start, on the main thread, before any io runs) and
/// starts the workers.
std::unique_ptr<chat::pooled_runner> start_store(const core::config& cfg, const core::clock& clock,
                                                 chat::rate_limiter& limiter, chat::events& sink) {
  auto s = store::open_store_set(cfg.database_url, cfg.store_connections);
  if (!s) {
    auto msg = s.error().message;
    if (!msg.starts_with("DATABASE_URL")) msg = "DATABASE_URL: " + msg;
    throw startup_error("config: " + msg, 2);
  }
  store::worker_settings ws;
  ws.job_timeout = cfg.store_timeout;
  ws.max_batch = cfg.store_group_commit;
  return std::make_unique<chat::pooled_runner>(
      std::move(s->stores), s->writers, clock, limiter,
      chat::chat_settings{cfg.max_group_size, cfg.recovery_window}, sink, ws);
}

auth::verifier make_verifier(const core::config& cfg, std::shared_ptr<auth::jwks_keys> jwks) {
  auto v = auth::verifier::create(auth::settings{
      cfg.jwt_secret, cfg.jwt_public_key, cfg.jwt_issuer, cfg.jwt_audience, {}, jwks});
  if (!v) throw startup_error("config: " + v.error().message, 2);
  return std::move(*v);
}

/// IO_THREADS unset: one io thread per core (at least 1, at most 64 like the setting).
core::config with_threads(core::config cfg) {
  if (cfg.io_threads == 0)
    cfg.io_threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 64);
  return cfg;
}

std::vector<std::unique_ptr<shard>> make_shards(const core::config& cfg) {
  std::vector<std::unique_ptr<shard>> out;
  for (std::size_t k = 0; k < cfg.io_threads; ++k) out.push_back(std::make_unique<shard>(k, cfg));
  return out;
}

std::vector<boost::asio::any_io_executor> executors_of(
    const std::vector<std::unique_ptr<shard>>& shards) {
  std::vector<boost::asio::any_io_executor> out;
  for (const auto& s : shards) out.push_back(s->ioc().get_executor());
  return out;
}

}  // namespace

void forwarding_events::message_created(const store::message& m) {
  stored_.add();
  target_->message_created(m);
}

app::app(core::config cfg)
    : cfg_(with_threads(std::move(cfg))),
      jwks_(cfg_.jwt_jwks_url.empty() ? nullptr : std::make_shared<auth::jwks_keys>()),
      verifier_(make_verifier(cfg_, jwks_)),
      limiter_(clock_, chat::rate_limit_settings{cfg_.rate_limit, cfg_.rate_window}),
      shards_(make_shards(cfg_)),
      bus_(executors_of(shards_)),
      shard_events_(shards_.size()),
      published_{[this](std::function<void()> f) { bus_.publish(std::move(f)); },
                 [this](std::vector<std::function<void()>> fs) { bus_.publish_all(std::move(fs)); },
                 0},
      worker_events_(shard_events_, chat::batching(published_)),
      runner_(start_store(cfg_, clock_, limiter_, worker_events_)),
      signals_(ioc(), SIGINT, SIGTERM),
      drain_deadline_(ioc()) {
  engineio::send_batch::set_enabled(cfg_.io_uring);
  spdlog::info("chatgate: websocket writes {}", engineio::send_batch::uses_io_uring()
                                                    ? "batched per loop pass (io_uring)"
                                                    : "one sendmsg per socket");
  for (auto& s : shards_) s->attach_store(*runner_);
  shard_events_.set_target(0, &events_);
  router_ = std::make_unique<rest::router>(
      shards_.front()->chat(), presence_, verifier_, metrics_,
      rest::router_settings{cfg_.max_body_bytes, cfg_.allowed_origins, cfg_.web_ui, cfg_.ws_port});
  router_->add_readiness_check("store", [this] { return runner_->healthy(); });
  if (jwks_) wire_jwks();
  metrics_.add_collector([this](std::string& out) {
    const auto& pool = runner_->pool();
    out += fmt::format(
        "# HELP chatgate_store_queued_calls Store calls waiting for a worker\n"
        "# TYPE chatgate_store_queued_calls gauge\nchatgate_store_queued_calls {}\n"
        "# HELP chatgate_store_expired_calls_total Store calls answered INTERNAL_ERROR after "
        "STORE_TIMEOUT_MS, never run\n"
        "# TYPE chatgate_store_expired_calls_total counter\n"
        "chatgate_store_expired_calls_total {}\n"
        "# HELP chatgate_store_refused_calls_total Store calls refused at once (queue full)\n"
        "# TYPE chatgate_store_refused_calls_total counter\n"
        "chatgate_store_refused_calls_total {}\n"
        "# HELP chatgate_store_group_commits_total Transactions that carried several calls "
        "(STORE_GROUP_COMMIT)\n"
        "# TYPE chatgate_store_group_commits_total counter\n"
        "chatgate_store_group_commits_total {}\n"
        "# HELP chatgate_store_group_committed_calls_total Calls carried by those transactions\n"
        "# TYPE chatgate_store_group_committed_calls_total counter\n"
        "chatgate_store_group_committed_calls_total {}\n",
        pool.queued(), pool.expired_count(), pool.refused_count(), pool.batch_count(),
        pool.batched_jobs());
  });
  wire_gateway();
}

app::~app() {
  for (auto& s : shards_) {
    s->chat().set_shared_limit(nullptr);  // the cluster that owns it goes first
    s->stop_gateway();                    // before the map and cluster it uses
  }
}

void app::wire_gateway() {
  const auto maps = wire_cluster();
  const bool threaded = shards_.size() > 1;
  if (threaded) {
    // One handshake budget per client address and one unauthenticated cap for the process.
    auto shared = std::make_shared<engineio::admission>(
        shards_.front()->engine().config().handshake_limit,
        shards_.front()->engine().config().max_unauthenticated);
    for (auto& s : shards_) s->engine().set_admission(shared);
  }
  gateway::gateway_settings gs{cfg_.max_connections_per_user, {}, {cfg_.recovery_window}};
  gs.local_events = threaded;
  std::vector<shard_router*> peers;
  for (auto& s : shards_) {
    s->start_gateway(*router_, verifier_, *maps[s->index()], clock_, gs);
    peers.push_back(&s->router());
  }
  for (auto& s : shards_) s->router().set_peers(peers);
  if (threaded) {
    // One owner thread per user for typing (its throttle, expiry and last-socket-gone).
    auto owners = std::make_shared<gateway::typing_owners>(executors_of(shards_));
    for (auto& s : shards_) s->gateway()->typing().set_owners(owners, s->index());
  }
  for (std::size_t k = 1; k < shards_.size(); ++k)
    shard_events_.set_target(k, &shards_[k]->gateway()->events());
  auto& gateway = *shards_.front()->gateway();
  shards_.front()->router().set_metrics_gather(
      [this](std::function<void()> done) { gather_stats(std::move(done)); });
  if (cluster_) {
    cluster_->on_offline([this](const std::vector<std::string>& users) {
      if (auto* g = shards_.front()->gateway()) g->users_offline(users);
    });
    cluster_->start();
  }
  events_.set_target(&gateway.events());
  presence_.set_target(&gateway.presence());
  router_->set_connection_directory(&gateway.directory());
  auto* redis = redis_link();
  if (threaded) {
    list_every_shard(gateway, redis);
  } else if (redis) {
    gateway.directory().set_remote([redis](const socketio::broadcast_options& opts, auto done) {
      redis->fetch_remote_sockets(
          opts, [done = std::move(done)](cluster::redis::redis_adapter::remote_sockets r) {
            if (!r.complete) spdlog::warn("admin connections: not every instance answered");
            done(std::move(r.sockets));
          });
    });
  }
  on_stop([this](std::function<void()> done) {
    // Every shard closes its own sockets on its own thread; `done` runs on shard 0.
    auto left = std::make_shared<std::atomic<std::size_t>>(shards_.size());
    auto finish = std::make_shared<std::function<void()>>(std::move(done));
    for (auto& s : shards_) {
      boost::asio::post(s->ioc(), [this, s = s.get(), left, finish] {
        s->close_sockets();
        if (left->fetch_sub(1) == 1) boost::asio::post(ioc(), [finish] { (*finish)(); });
      });
    }
  });
  wire_metrics();
}

cluster::redis::redis_adapter* app::redis_link() {
  auto& a = shards_.front()->io().of("/").adapter();
  if (auto* r = dynamic_cast<cluster::redis::redis_adapter*>(&a)) return r;
  if (auto* s = dynamic_cast<cluster::shard_adapter*>(&a))
    return dynamic_cast<cluster::redis::redis_adapter*>(s->link());
  return nullptr;
}

void app::list_every_shard(gateway::chat_gateway& first, cluster::redis::redis_adapter* redis) {
  // GET /api/v1/admin/connections runs on shard 0: the other shards describe their sockets as a
  // Redis REMOTE_FETCH answer would ({id, rooms, data}), each on its own thread; then (REDIS_URL)
  // the other instances answer theirs.
  first.directory().set_remote([this, redis](const socketio::broadcast_options& opts, auto done) {
    if (redis) {
      done = [redis, opts, done = std::move(done)](std::vector<boost::json::object> here) {
        redis->fetch_remote_sockets(
            opts, [here = std::move(here),
                   done](cluster::redis::redis_adapter::remote_sockets r) mutable {
              if (!r.complete) spdlog::warn("admin connections: not every instance answered");
              for (auto& o : r.sockets) here.push_back(std::move(o));
              done(std::move(here));
            });
      };
    }
    using fetched = std::vector<boost::json::object>;
    const auto others = shards_.size() - 1;
    auto slots = std::make_shared<std::vector<fetched>>(others);
    auto left = std::make_shared<std::atomic<std::size_t>>(others);
    auto finish = std::make_shared<decltype(done)>(std::move(done));
    for (std::size_t k = 1; k < shards_.size(); ++k) {
      boost::asio::post(shards_[k]->ioc(), [this, k, opts, slots, left, finish] {
        auto local = opts;
        local.flags.local = true;
        auto& nsp = shards_[k]->io().of("/");
        for (const auto& s : nsp.adapter().fetch_sockets(local)) {
          boost::json::array rooms;
          for (const auto& r : s->rooms()) rooms.emplace_back(r);
          (*slots)[k - 1].push_back(
              boost::json::object{{"id", s->id()},
                                  {"rooms", std::move(rooms)},
                                  {"data", shards_[k]->gateway()->directory().socket_data(*s)}});
        }
        if (left->fetch_sub(1) != 1) return;
        boost::asio::post(ioc(), [slots, finish] {
          fetched all;
          for (auto& slot : *slots)
            for (auto& o : slot) all.push_back(std::move(o));
          (*finish)(std::move(all));
        });
      });
    }
  });
}

void app::gather_stats(std::function<void()> done) {
  gather_waiting_.push_back(std::move(done));
  if (gather_waiting_.size() > 1) return;  // a gather is on its way: its end answers this too
  auto answer = [this] {
    auto waiting = std::move(gather_waiting_);
    gather_waiting_.clear();
    for (auto& w : waiting) w();
  };
  snapshots_.assign(shards_.size(), shard::stats{});
  snapshots_[0] = shards_.front()->snapshot();
  if (shards_.size() == 1) return answer();
  auto left = std::make_shared<std::atomic<std::size_t>>(shards_.size() - 1);
  for (std::size_t k = 1; k < shards_.size(); ++k) {
    // Slot k is written on shard k; shard 0 reads it after the last post below.
    boost::asio::post(shards_[k]->ioc(), [this, k, left, answer] {
      snapshots_[k] = shards_[k]->snapshot();
      if (left->fetch_sub(1) == 1) boost::asio::post(ioc(), answer);
    });
  }
}

void app::wire_metrics() {
  metrics_.add_collector([this](std::string& out) {
    auto gauge = [&out](const char* name, const char* help, std::size_t v) {
      out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, v);
    };
    auto counter = [&out](const char* name, const char* help, std::uint64_t v) {
      out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, v);
    };
    // Every shard's counters, as gather_stats copied them before this request.
    std::size_t sessions = 0;
    std::uint64_t header_timeouts = 0;
    std::uint64_t handoffs = 0;
    engineio::server_stats stats;
    for (const auto& snap : snapshots_) {
      handoffs += snap.handoffs;
      sessions += snap.engine_sessions;
      header_timeouts += snap.header_timeouts;
      const auto& e = snap.engine;
      stats.sessions_opened += e.sessions_opened;
      stats.slow_client_disconnects += e.slow_client_disconnects;
      stats.requests_refused += e.requests_refused;
      stats.origin_refused += e.origin_refused;
      stats.handshakes_rate_limited += e.handshakes_rate_limited;
      stats.unauthenticated_refused += e.unauthenticated_refused;
      for (const auto& [reason, n] : e.closed_by_reason) {
        auto it = stats.closed_by_reason.find(reason);
        if (it == stats.closed_by_reason.end())
          it = stats.closed_by_reason.emplace(reason, 0).first;
        it->second += n;
      }
    }
    gauge("chatgate_io_threads", "io threads (IO_THREADS)", shards_.size());
    counter("chatgate_io_handoffs_total",
            "Requests and websocket upgrades passed to the io thread that serves them (the "
            "session's owner, or thread 0 for REST)",
            handoffs);
    gauge("chatgate_engineio_sessions", "Open Engine.IO sessions", sessions);
    gauge("chatgate_socket_connections", "Authenticated sockets of this instance", socket_count_());
    gauge("chatgate_online_users", "Users with at least one socket on this instance",
          online_count_());
    counter("chatgate_engineio_sessions_opened_total", "Engine.IO sessions opened",
            stats.sessions_opened);
    counter("chatgate_engineio_slow_client_disconnects_total",
            "Sessions closed because their outgoing queue passed the limit",
            stats.slow_client_disconnects);
    counter("chatgate_engineio_requests_refused_total",
            "Engine.IO requests answered with an error code", stats.requests_refused);
    counter("chatgate_engineio_origin_refused_total",
            "Websocket upgrades and polling requests refused (403) for an Origin not allowed",
            stats.origin_refused);
    counter("chatgate_engineio_handshakes_rate_limited_total",
            "Handshakes refused (429) past CONNECT_RATE_LIMIT for their client address",
            stats.handshakes_rate_limited);
    counter("chatgate_engineio_unauthenticated_refused_total",
            "Handshakes refused (503) past MAX_UNAUTHENTICATED_SESSIONS",
            stats.unauthenticated_refused);
    // One admission for the process (shared by the shards when there are several).
    const auto& admission = shards_.front()->engine().admission_control();
    gauge("chatgate_engineio_unauthenticated_sessions",
          "Open Engine.IO sessions whose user is not authenticated yet",
          admission.unauthenticated());
    gauge("chatgate_engineio_rate_limited_addresses",
          "Client addresses the handshake limiter remembers", admission.tracked());
    counter("chatgate_http_header_timeouts_total",
            "Connections closed because their HTTP headers took longer than HEADER_TIMEOUT_MS",
            header_timeouts);
    out +=
        "# HELP chatgate_engineio_sessions_closed_total Engine.IO sessions closed, by reason\n"
        "# TYPE chatgate_engineio_sessions_closed_total counter\n";
    for (const auto& [reason, n] : stats.closed_by_reason) {
      out += fmt::format("chatgate_engineio_sessions_closed_total{} {}\n",
                         core::render_labels({{"reason", reason}}), n);
    }
  });
}

std::vector<cluster::connection_map*> app::wire_cluster() {
  const bool threaded = shards_.size() > 1;
  if (cfg_.redis_url.empty() && !threaded) {
    connections_ = std::make_unique<cluster::local_connection_map>();
    socket_count_ = [m = connections_.get()] { return m->socket_count(); };
    online_count_ = [m = connections_.get()] { return m->online_count(); };
    return {connections_.get()};
  }
  if (cfg_.redis_url.empty()) {
    shared_map_ = std::make_unique<cluster::locked_connection_map>();
    socket_count_ = [m = shared_map_.get()] { return m->socket_count(); };
    online_count_ = [m = shared_map_.get()] { return m->online_count(); };
    auto dir = std::make_shared<cluster::shard_adapter::directory>(shards_.size());
    for (auto& s : shards_)
      s->io().set_adapter(cluster::shard_adapter::factory(bus_, dir, s->index()));
    spdlog::info("chatgate: {} io threads", shards_.size());
    return std::vector<cluster::connection_map*>(shards_.size(), shared_map_.get());
  }
  auto ep = cluster::redis::parse_redis_url(cfg_.redis_url);
  if (!ep) throw startup_error("config: REDIS_URL: " + ep.error(), 2);
  cluster::redis::redis_cluster_settings rs;
  rs.max_connections_per_user = cfg_.max_connections_per_user;
  rs.rate_limit.limit = cfg_.rate_limit;
  rs.rate_limit.window = cfg_.rate_window;
  // What REMOTE_FETCH answers say of a socket (Node's socket.data, and the admin listing). With
  // several io threads it runs on the socket's thread: it reads that socket and shard 0's
  // instance name (set at construction, never changed).
  rs.socket_data = [this](const socketio::socket& s) -> boost::json::value {
    auto* g = shards_.front()->gateway();
    return g ? g->directory().socket_data(s) : boost::json::value(nullptr);
  };
  // One Redis cluster per process, on shard 0 (docs/cluster.md "Several io threads").
  cluster_ = std::make_unique<cluster::redis::redis_cluster>(ioc().get_executor(), *ep, clock_,
                                                             metrics_, std::move(rs));
  for (auto& s : shards_) s->chat().set_shared_limit(&cluster_->rate_limit());  // any thread
  router_->add_readiness_check("redis", [this] { return cluster_->ready(); });
  socket_count_ = [m = &cluster_->local()] { return m->socket_count(); };
  online_count_ = [m = &cluster_->local()] { return m->online_count(); };
  spdlog::info("chatgate: Redis at {}:{} (connection map and adapter shared by instances)",
               ep->host, ep->port);
  if (!threaded) {
    shards_.front()->io().set_adapter(cluster_->adapter_factory());
    return {&cluster_->connections()};
  }
  // Thread 0's shard_adapter owns the Redis adapter (its link); the other threads reach it, and
  // the map, by posting to thread 0.
  auto dir = std::make_shared<cluster::shard_adapter::directory>(shards_.size(), true);
  std::vector<cluster::connection_map*> maps{&cluster_->connections()};
  for (auto& s : shards_) {
    s->io().set_adapter(cluster::shard_adapter::factory(
        bus_, dir, s->index(),
        s->index() == 0 ? cluster_->link_factory() : cluster::shard_adapter::link_factory{}));
    if (s->index() == 0) continue;
    posted_maps_.push_back(std::make_unique<cluster::posted_connection_map>(
        cluster_->connections(), ioc().get_executor(), s->ioc().get_executor()));
    maps.push_back(posted_maps_.back().get());
  }
  spdlog::info("chatgate: {} io threads, Redis on thread 0", shards_.size());
  return maps;
}

void app::wire_jwks() {
  auth::jwks_fetch_settings js;
  js.url = cfg_.jwt_jwks_url;
  js.min_refresh = cfg_.jwks_min_refresh;
  auto fetcher = auth::jwks_fetcher::create(ioc().get_executor(), js, jwks_);
  if (!fetcher) throw startup_error("config: " + fetcher.error().message, 2);
  jwks_fetcher_ = std::move(*fetcher);
  // Serves without keys: tokens are refused (UNAUTHORIZED) and /ready names jwks until loaded.
  router_->add_readiness_check("jwks", [this] { return jwks_->loaded(); });
  jwks_fetcher_->start();
  on_stop([this](std::function<void()> done) {
    jwks_fetcher_->stop();
    done();
  });
  metrics_.add_collector([this](std::string& out) {
    out += fmt::format(
        "# HELP chatgate_jwks_fetches_total JWKS document fetches started\n"
        "# TYPE chatgate_jwks_fetches_total counter\nchatgate_jwks_fetches_total {}\n"
        "# HELP chatgate_jwks_fetch_failures_total JWKS fetches that failed\n"
        "# TYPE chatgate_jwks_fetch_failures_total counter\n"
        "chatgate_jwks_fetch_failures_total {}\n"
        "# HELP chatgate_jwks_keys Keys loaded from the JWKS document\n"
        "# TYPE chatgate_jwks_keys gauge\nchatgate_jwks_keys {}\n",
        jwks_fetcher_->fetches(), jwks_fetcher_->failures(), jwks_->size());
  });
}

void app::on_stop(std::function<void(std::function<void()>)> hook) {
  stop_hooks_.push_back(std::move(hook));
}

void app::listen() {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(cfg_.host, ec);
  if (ec) throw startup_error("config: HOST: cannot use \"" + cfg_.host + "\"", 2);
  std::vector<std::uint16_t> ports{cfg_.http_port};
  if (cfg_.ws_port != cfg_.http_port) ports.push_back(cfg_.ws_port);
  for (auto port : ports) {
    http::listener_settings ls;
    ls.header_timeout = cfg_.header_timeout;
    ls.max_header_bytes = cfg_.max_header_bytes;
    ls.idle_timeout = cfg_.http_idle_timeout;
    ls.write_timeout = cfg_.http_write_timeout;
    ls.backlog = cfg_.listen_backlog;
    const boost::asio::ip::tcp::endpoint endpoint(address, port);
    // One listener per shard; shard 0's binds and spreads what it accepts over all of them.
    std::vector<http::listener*> group;
    for (auto& s : shards_) group.push_back(&s->add_listener(endpoint, ls));
    if (group.size() > 1) group.front()->spread_to(group);
    try {
      group.front()->start();
    } catch (const std::exception& e) {
      throw startup_error(std::string("chatgate: ") + e.what(), 1);
    }
  }
  spdlog::info("chatgate: REST on http://{}:{}, Socket.IO on http://{}:{}/socket.io/, store {}",
               cfg_.host, cfg_.http_port, cfg_.host, cfg_.ws_port,
               store::redact_database_url(cfg_.database_url));
}

void app::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (stopping_) {
      // A second SIGTERM/SIGINT (an impatient operator, Ctrl-C twice): no more waiting.
      spdlog::warn("chatgate: signal {} during the drain, exiting now", sig);
      return stop_loops();
    }
    spdlog::info("chatgate: signal {}, stopping (a second signal exits at once)", sig);
    stop();
    wait_for_signal();
  });
}

int app::run() {
  listen();
  wait_for_signal();
  for (std::size_t k = 1; k < shards_.size(); ++k)
    threads_.emplace_back([s = shards_[k].get()] { s->run(); });
  shards_.front()->run();
  stop_loops();
  for (auto& t : threads_) t.join();
  threads_.clear();
  serving_.reset();  // the threads are joined: drain reports from now on are ignored
  runner_->stop();   // runs what was queued, then closes the database connections
  // Answers the workers posted after the loops stopped: run them now, while every object they
  // refer to is alive (the sockets are closed, so they only drop their sends).
  for (auto& s : shards_) s->finish();
  for (auto& s : shards_) s->listeners().clear();
  spdlog::info("chatgate: stopped");
  return 0;
}

void app::stop_loops() {
  for (auto& s : shards_) s->stop();
}

void app::stop() {
  if (stopping_) return;
  stopping_ = true;
  drain_deadline_.expires_after(cfg_.drain_timeout);
  drain_deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    spdlog::warn("chatgate: connections still open after {} ms (DRAIN_TIMEOUT_MS), closing anyway",
                 cfg_.drain_timeout.count());
    stop_loops();
  });
  // Hooks first (the gateways close their sockets), then the listeners drain.
  auto pending = std::make_shared<std::size_t>(stop_hooks_.size() + 1);
  auto one_done = [this, pending] {
    if (--*pending == 0) finish_stop();
  };
  for (auto& hook : stop_hooks_) hook(one_done);
  one_done();
}

void app::finish_stop() {
  // Each shard stops its listeners and drains its connections on its own thread.
  auto left = std::make_shared<std::atomic<std::size_t>>(shards_.size());
  for (auto& s : shards_) {
    boost::asio::post(s->ioc(), [this, s = s.get(), left] {
      // A connection still open when the loops stop ends while the shards are destroyed, and
      // the listener then reports the drain: by then there is nothing left to stop.
      s->drain([this, left, alive = std::weak_ptr<int>(serving_)] {
        if (alive.expired() || left->fetch_sub(1) != 1) return;
        boost::asio::post(ioc(), [this] {
          drain_deadline_.cancel();
          stop_loops();
        });
      });
    });
  }
}

}  // namespace chatgate::app
