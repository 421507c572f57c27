#include "shard.hpp"

#include <array>
#include <stdexcept>

#include <openssl/rand.h>

#include "cluster/shard_routing.hpp"
#include "core/base64.hpp"

namespace chatgate::app {

namespace {

engineio::settings engine_settings(const core::config& cfg) {
  engineio::settings es;
  es.ping_interval = cfg.ping_interval;
  es.ping_timeout = cfg.ping_timeout;
  es.max_payload = cfg.max_payload_bytes;
  es.handshake_timeout = cfg.ws_handshake_timeout;
  es.allowed_origins = cfg.allowed_origins;
  es.handshake_limit.limit = cfg.connect_rate_limit;
  es.handshake_limit.window = cfg.connect_rate_window;
  es.max_unauthenticated = cfg.max_unauthenticated_sessions;
  es.upgrade_timeout = cfg.upgrade_timeout;
  es.close_timeout = cfg.close_timeout;
  es.max_queued_bytes = cfg.max_queued_bytes;
  return es;
}

socketio::settings socket_settings(const core::config& cfg) {
  socketio::settings ss;
  ss.connect_timeout = cfg.connect_timeout;
  ss.ack_timeout = cfg.ack_timeout;
  ss.max_pending_acks = cfg.max_pending_acks;
  ss.max_attachments = cfg.max_attachments;
  return ss;
}

/// An Engine.IO sid as the server makes them (15 random bytes, 20 base64url characters) whose
/// first character names `shard` (cluster::shard_routing).
std::string shard_sid(std::size_t shard) {
  std::array<unsigned char, 15> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return cluster::shard_routing::stamp(
      core::base64url_encode(
          std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())),
      shard);
}

}  // namespace

shard::shard(std::size_t index, const core::config& cfg)
    : index_(index), work_(boost::asio::make_work_guard(ioc_)) {
  engine_ = std::make_unique<engineio::server>(ioc_, engine_settings(cfg));
  if (cfg.io_threads > 1) engine_->set_id_generator([index] { return shard_sid(index); });
  io_ = std::make_unique<socketio::server>(ioc_.get_executor(), socket_settings(cfg));
  engine_->on_connection(
      [this](std::shared_ptr<engineio::socket> s) { io_->accept(std::move(s)); });
}

shard::~shard() {
  gateway_.reset();
}

void shard::attach_store(chat::runner& runner) {
  // A group commit's answers reach this thread as one handler, after its events (rank 1).
  answers_ = {[this](std::function<void()> f) { boost::asio::post(ioc_, std::move(f)); },
              [this](std::vector<std::function<void()>> fs) {
                boost::asio::post(ioc_, [fs = std::move(fs)] {
                  for (const auto& f : fs) f();
                });
              },
              1};
  // Calls made in one pass of this thread's loop reach the store workers together.
  chat_ = std::make_unique<chat::async_chat>(
      runner, chat::batching(answers_),
      [this](std::function<void()> f) { boost::asio::post(ioc_, std::move(f)); });
}

void shard::start_gateway(http::handler& rest, const auth::verifier& verifier,
                          cluster::connection_map& connections, const core::clock& clock,
                          gateway::gateway_settings settings) {
  gateway_ = std::make_unique<gateway::chat_gateway>(io_->of("/"), *chat_, verifier, connections,
                                                     clock, settings);
  dispatcher_ = std::make_unique<path_dispatcher>(rest);
  dispatcher_->set_socket_handler(engine_.get());
  router_ = std::make_unique<shard_router>(index_, ioc_, *dispatcher_);
}

http::listener& shard::add_listener(const boost::asio::ip::tcp::endpoint& endpoint,
                                    const http::listener_settings& settings) {
  listeners_.push_back(std::make_unique<http::listener>(ioc_, endpoint, *router_, settings));
  return *listeners_.back();
}

void shard::close_sockets() {
  io_->close();
  engine_->close_all();
}

void shard::drain(std::function<void()> done) {
  auto left = std::make_shared<std::size_t>(listeners_.size());
  if (*left == 0) return done();
  for (auto& l : listeners_) {
    l->stop();
    l->on_drained([left, done] {
      if (--*left == 0) done();
    });
  }
}

shard::stats shard::snapshot() const {
  stats s;
  s.engine_sessions = engine_->client_count();
  s.engine = engine_->stats();
  if (router_) s.handoffs = router_->handed_off();
  for (const auto& l : listeners_) {
    s.header_timeouts += l->header_timeouts();
    s.http_sessions += l->active_sessions();
  }
  return s;
}

void shard::run() {
  ioc_.run();
}

void shard::finish() {
  work_.reset();
  ioc_.restart();
  ioc_.poll();
}

}  // namespace chatgate::app
