#include "app.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "gateway/socket_user.hpp"
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
  return std::make_unique<chat::pooled_runner>(std::move(s->stores), s->writers, clock, limiter,
                                               chat::chat_settings{cfg.max_group_size}, sink, ws);
}

auth::verifier make_verifier(const core::config& cfg, std::shared_ptr<auth::jwks_keys> jwks) {
  auto v = auth::verifier::create(auth::settings{
      cfg.jwt_secret, cfg.jwt_public_key, cfg.jwt_issuer, cfg.jwt_audience, {}, jwks});
  if (!v) throw startup_error("config: " + v.error().message, 2);
  return std::move(*v);
}

}  // namespace

void forwarding_events::message_created(const store::message& m) {
  stored_.add();
  target_->message_created(m);
}

app::app(core::config cfg)
    : cfg_(std::move(cfg)),
      jwks_(cfg_.jwt_jwks_url.empty() ? nullptr : std::make_shared<auth::jwks_keys>()),
      verifier_(make_verifier(cfg_, jwks_)),
      limiter_(clock_, chat::rate_limit_settings{cfg_.rate_limit, cfg_.rate_window}),
      to_io_([this](std::function<void()> f) { boost::asio::post(ioc_, std::move(f)); }),
      worker_events_(events_, to_io_),
      runner_(start_store(cfg_, clock_, limiter_, worker_events_)),
      chat_(*runner_, to_io_),
      router_(chat_, presence_, verifier_, metrics_,
              rest::router_settings{cfg_.max_body_bytes, cfg_.allowed_origins, cfg_.web_ui,
                                    cfg_.ws_port}),
      dispatcher_(router_),
      signals_(ioc_, SIGINT, SIGTERM),
      drain_deadline_(ioc_) {
  router_.add_readiness_check("store", [this] { return runner_->healthy(); });
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

app::~app() = default;

void app::wire_gateway() {
  engineio::settings es;
  es.ping_interval = cfg_.ping_interval;
  es.ping_timeout = cfg_.ping_timeout;
  es.max_payload = cfg_.max_payload_bytes;
  es.handshake_timeout = cfg_.ws_handshake_timeout;
  es.allowed_origins = cfg_.allowed_origins;
  es.handshake_limit.limit = cfg_.connect_rate_limit;
  es.handshake_limit.window = cfg_.connect_rate_window;
  es.max_unauthenticated = cfg_.max_unauthenticated_sessions;
  es.upgrade_timeout = cfg_.upgrade_timeout;
  es.close_timeout = cfg_.close_timeout;
  es.max_queued_bytes = cfg_.max_queued_bytes;
  engine_ = std::make_unique<engineio::server>(ioc_, es);
  socketio::settings ss;
  ss.connect_timeout = cfg_.connect_timeout;
  ss.ack_timeout = cfg_.ack_timeout;
  ss.max_pending_acks = cfg_.max_pending_acks;
  ss.max_attachments = cfg_.max_attachments;
  io_ = std::make_unique<socketio::server>(ioc_.get_executor(), ss);
  engine_->on_connection(
      [this](std::shared_ptr<engineio::socket> s) { io_->accept(std::move(s)); });
  auto& connections = wire_cluster();
  gateway_ = std::make_unique<gateway::chat_gateway>(
      io_->of("/"), chat_, verifier_, connections, clock_,
      gateway::gateway_settings{cfg_.max_connections_per_user});
  if (cluster_) {
    cluster_->on_offline([this](const std::vector<std::string>& users) {
      if (gateway_) gateway_->users_offline(users);
    });
    cluster_->start();
  }
  dispatcher_.set_socket_handler(engine_.get());
  set_events(&gateway_->events());
  set_presence(&gateway_->presence());
  router_.set_connection_directory(&gateway_->directory());
  on_stop([this](std::function<void()> done) {
    io_->close();
    engine_->close_all();
    done();
  });
  metrics_.add_collector([this](std::string& out) {
    auto gauge = [&out](const char* name, const char* help, std::size_t v) {
      out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, v);
    };
    gauge("chatgate_engineio_sessions", "Open Engine.IO sessions", engine_->client_count());
    gauge("chatgate_socket_connections", "Authenticated sockets of this instance",
          local_sockets_->socket_count());
    gauge("chatgate_online_users", "Users with at least one socket on this instance",
          local_sockets_->online_count());
    const auto& stats = engine_->stats();
    auto counter = [&out](const char* name, const char* help, std::uint64_t v) {
      out += fmt::format("# HELP {0} {1}\n# TYPE {0} counter\n{0} {2}\n", name, help, v);
    };
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
    gauge("chatgate_engineio_unauthenticated_sessions",
          "Open Engine.IO sessions whose user is not authenticated yet",
          engine_->unauthenticated_count());
    gauge("chatgate_engineio_rate_limited_addresses",
          "Client addresses the handshake limiter remembers", engine_->limiter().tracked());
    std::uint64_t header_timeouts = 0;
    for (const auto& l : listeners_) header_timeouts += l->header_timeouts();
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

cluster::connection_map& app::wire_cluster() {
  if (cfg_.redis_url.empty()) {
    connections_ = std::make_unique<cluster::local_connection_map>();
    local_sockets_ = connections_.get();
    return *connections_;
  }
  auto ep = cluster::redis::parse_redis_url(cfg_.redis_url);
  if (!ep) throw startup_error("config: REDIS_URL: " + ep.error(), 2);
  cluster::redis::redis_cluster_settings rs;
  rs.max_connections_per_user = cfg_.max_connections_per_user;
  rs.socket_data = [](const socketio::socket& s) -> boost::json::value {
    const auto* user = std::any_cast<gateway::socket_user>(&s.data());
    if (!user) return nullptr;
    return boost::json::object{{"userId", user->user_id}};
  };
  cluster_ = std::make_unique<cluster::redis::redis_cluster>(ioc_.get_executor(), *ep, clock_,
                                                             metrics_, std::move(rs));
  io_->set_adapter(cluster_->adapter_factory());
  router_.add_readiness_check("redis", [this] { return cluster_->ready(); });
  local_sockets_ = &cluster_->local();
  spdlog::info("chatgate: Redis at {}:{} (connection map and adapter shared by instances)",
               ep->host, ep->port);
  return cluster_->connections();
}

void app::wire_jwks() {
  auth::jwks_fetch_settings js;
  js.url = cfg_.jwt_jwks_url;
  js.min_refresh = cfg_.jwks_min_refresh;
  auto fetcher = auth::jwks_fetcher::create(ioc_.get_executor(), js, jwks_);
  if (!fetcher) throw startup_error("config: " + fetcher.error().message, 2);
  jwks_fetcher_ = std::move(*fetcher);
  // Serves without keys: tokens are refused (UNAUTHORIZED) and /ready names jwks until loaded.
  router_.add_readiness_check("jwks", [this] { return jwks_->loaded(); });
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
    auto l = std::make_unique<http::listener>(ioc_, boost::asio::ip::tcp::endpoint(address, port),
                                              dispatcher_, ls);
    try {
      l->start();
    } catch (const std::exception& e) {
      throw startup_error(std::string("chatgate: ") + e.what(), 1);
    }
    listeners_.push_back(std::move(l));
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
      return ioc_.stop();
    }
    spdlog::info("chatgate: signal {}, stopping (a second signal exits at once)", sig);
    stop();
    wait_for_signal();
  });
}

int app::run() {
  listen();
  wait_for_signal();
  ioc_.run();
  listeners_.clear();
  runner_->stop();  // runs what was queued, then closes the database connections
  // Answers the workers posted after the loop stopped: run them now, while every object they
  // refer to is alive (the sockets are closed, so they only drop their sends).
  ioc_.restart();
  ioc_.poll();
  spdlog::info("chatgate: stopped");
  return 0;
}

void app::stop() {
  if (stopping_) return;
  stopping_ = true;
  drain_deadline_.expires_after(cfg_.drain_timeout);
  drain_deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    spdlog::warn("chatgate: connections still open after {} ms (DRAIN_TIMEOUT_MS), closing anyway",
                 cfg_.drain_timeout.count());
    ioc_.stop();
  });
  // Hooks first (the gateway closes its sockets), then the listeners drain.
  auto pending = std::make_shared<std::size_t>(stop_hooks_.size() + 1);
  auto one_done = [this, pending] {
    if (--*pending == 0) finish_stop();
  };
  for (auto& hook : stop_hooks_) hook(one_done);
  one_done();
}

void app::finish_stop() {
  auto left = std::make_shared<std::size_t>(listeners_.size());
  if (*left == 0) return ioc_.stop();
  for (auto& l : listeners_) {
    l->stop();
    l->on_drained([this, left] {
      if (--*left == 0) {
        drain_deadline_.cancel();
        ioc_.stop();
      }
    });
  }
}

}  // namespace chatgate::app
