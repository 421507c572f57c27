#include "cluster/redis/redis_cluster.hpp"

#include <random>

#include <spdlog/spdlog.h>

#include "socketio/namespace_.hpp"

namespace chatgate::cluster::redis {

namespace {

/// `n` random characters of [0-9a-z] (Node's uid2 alphabet is similar; only uniqueness matters).
std::string random_id(std::size_t n) {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(alphabet) - 2);
  std::string out(n, '0');
  for (auto& c : out) c = alphabet[pick(gen)];
  return out;
}

}  // namespace

redis_cluster::redis_cluster(boost::asio::any_io_executor ex, const redis_endpoint& ep,
                             const core::clock& clock, core::metrics& metrics,
                             redis_cluster_settings settings)
    : metrics_(metrics), settings_(std::move(settings)), uid_(random_id(6)) {
  redis_connection_settings sub_settings;
  sub_settings.ping_interval =
      std::chrono::milliseconds(0);  // hiredis 0.14: no PING when subscribed
  pub_ = redis_connection::create(ex, ep, "commands");
  sub_ = redis_connection::create(ex, ep, "subscriber", sub_settings);
  redis_map_settings ms;
  ms.instance = random_id(12);
  ms.max_connections_per_user = settings_.max_connections_per_user;
  map_ = std::make_unique<redis_connection_map>(pub_, clock, ms);
  rate_limit_ = std::make_unique<redis_rate_limit>(pub_, settings_.rate_limit);
}

redis_cluster::~redis_cluster() {
  map_.reset();
  pub_->stop();
  sub_->stop();
}

void redis_cluster::start() {
  spdlog::info("redis: instance {}, adapter uid {}", map_->instance(), uid_);
  pub_->start();
  sub_->start();
  map_->start();
}

socketio::adapter_factory redis_cluster::adapter_factory() {
  return [this](socketio::namespace_& nsp) -> std::unique_ptr<socketio::adapter> {
    redis_adapter_settings s;
    s.key = settings_.key;
    s.uid = uid_;
    s.socket_data = settings_.socket_data;
    return std::make_unique<redis_adapter>(nsp, pub_, sub_, &metrics_, std::move(s));
  };
}

}  // namespace chatgate::cluster::redis

namespace chatgate::cluster::redis {

std::function<std::unique_ptr<instance_link>(socketio::namespace_&, process_sockets&)>
redis_cluster::link_factory() {
  return [this](socketio::namespace_& nsp,
                process_sockets& process) -> std::unique_ptr<instance_link> {
    redis_adapter_settings s;
    s.key = settings_.key;
    s.uid = uid_;
    s.socket_data = settings_.socket_data;
    s.process = &process;
    return std::make_unique<redis_adapter>(nsp, pub_, sub_, &metrics_, std::move(s));
  };
}

}  // namespace chatgate::cluster::redis
