#include "cluster/redis/redis_connection_map.hpp"

#include <set>

#include <spdlog/spdlog.h>

#include "cluster/redis/connection_scripts.hpp"

namespace chatgate::cluster::redis {

namespace {

/// Counts down the answers of a batch of commands; `finish` runs after the last one.
struct batch {
  std::size_t left = 0;
  std::function<void()> finish;
  void one_done() {
    if (--left == 0 && finish) finish();
  }
};

void log_failure(const char* what, const redis_reply& r) {
  spdlog::warn("redis map: {} failed: {}", what, r.str);
}

}  // namespace

redis_connection_map::redis_connection_map(std::shared_ptr<redis_connection> conn,
                                           const core::clock& clock, redis_map_settings settings)
    : conn_(std::move(conn)),
      clock_(clock),
      settings_(std::move(settings)),
      timer_(conn_->get_executor()) {}

redis_connection_map::~redis_connection_map() {
  stop();
}

std::string redis_connection_map::connections_key(std::string_view user) {
  return "ws:connections:" + std::string(user);
}
std::string redis_connection_map::socket_key(std::string_view socket_id) {
  return "ws:socket:" + std::string(socket_id);
}
std::string redis_connection_map::instance_key() const {
  return "ws:instance:" + settings_.instance + ":sockets";
}

void redis_connection_map::start() {
  conn_->on_up([this, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.lock()) return;
    refill();
    timer_.cancel();  // heartbeat at once: a new instance is listed before it can die unswept
    heartbeat();
  });
  heartbeat();
}

void redis_connection_map::stop() {
  timer_.cancel();
  conn_->on_up(nullptr);
}

std::vector<std::string> redis_connection_map::register_args(const std::string& sid,
                                                             const std::string& user,
                                                             int limit) const {
  return {"EVAL",
          std::string(scripts::register_socket),
          "4",
          connections_key(user),
          socket_key(sid),
          std::string(online_key),
          instance_key(),
          sid,
          user,
          core::to_iso8601(clock_.now()),
          settings_.instance,
          std::to_string(settings_.socket_ttl.count()),
          std::to_string(limit)};
}

void redis_connection_map::register_connection(const std::string& socket_id,
                                               const std::string& user_id,
                                               callback<std::size_t> done) {
  conn_->command(register_args(socket_id, user_id, settings_.max_connections_per_user),
                 [this, alive = std::weak_ptr<bool>(alive_), socket_id, user_id,
                  done = std::move(done)](redis_reply r) {
                   if (!alive.lock()) return;
                   if (r.type == redis_reply::kind::integer && r.integer < 0)
                     return done(static_cast<std::size_t>(-r.integer));  // refused: over limit
                   const auto local = local_.add(socket_id, user_id);
                   if (r.type == redis_reply::kind::integer)
                     return done(static_cast<std::size_t>(r.integer));
                   log_failure("register", r);  // outage: this instance's count; refilled later
                   done(local);
                 });
}

void redis_connection_map::remove_connection(const std::string& socket_id,
                                             const std::string& user_id,
                                             callback<std::size_t> done) {
  const auto local = local_.remove(socket_id, user_id);
  conn_->command(
      {"EVAL", std::string(scripts::remove_socket), "4", connections_key(user_id),
       socket_key(socket_id), std::string(online_key), instance_key(), socket_id, user_id,
       settings_.instance},
      [alive = std::weak_ptr<bool>(alive_), local, done = std::move(done)](redis_reply r) {
        if (!alive.lock()) return;
        if (r.type == redis_reply::kind::integer) return done(static_cast<std::size_t>(r.integer));
        log_failure("remove", r);
        done(local);
      });
}

void redis_connection_map::user_sockets(const std::string& user_id, callback<socket_ids> done) {
  conn_->command(
      {"SMEMBERS", connections_key(user_id)},
      [this, alive = std::weak_ptr<bool>(alive_), user_id, done = std::move(done)](redis_reply r) {
        if (!alive.lock()) return;
        if (r.type == redis_reply::kind::array) return done(r.strings());
        log_failure("SMEMBERS", r);
        done(local_.sockets_of(user_id));
      });
}

void redis_connection_map::users_sockets(const std::vector<std::string>& user_ids,
                                         callback<std::map<std::string, socket_ids>> done) {
  auto out = std::make_shared<std::map<std::string, socket_ids>>();
  for (const auto& u : user_ids) (*out)[u];
  if (out->empty()) return done({});
  auto b = std::make_shared<batch>();
  b->left = out->size();
  b->finish = [out, done = std::move(done)] { done(std::move(*out)); };
  for (auto& [user, ids] : *out) {
    user_sockets(user, [b, &ids = ids](socket_ids got) {
      ids = std::move(got);
      b->one_done();
    });
  }
}

void redis_connection_map::is_user_online(const std::string& user_id, callback<bool> done) {
  online_users({user_id}, [done = std::move(done)](std::vector<std::string> online) {
    done(!online.empty());
  });
}

void redis_connection_map::online_users(const std::vector<std::string>& user_ids,
                                        callback<std::vector<std::string>> done) {
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const auto& u : user_ids)
    if (seen.insert(u).second) unique.push_back(u);
  if (unique.empty()) return done({});
  std::vector<std::string> argv{"SMISMEMBER", std::string(online_key)};
  argv.insert(argv.end(), unique.begin(), unique.end());
  conn_->command(std::move(argv), [this, alive = std::weak_ptr<bool>(alive_), unique,
                                   done = std::move(done)](redis_reply r) {
    if (!alive.lock()) return;
    if (r.type != redis_reply::kind::array || r.elements.size() != unique.size()) {
      log_failure("SMISMEMBER", r);
      return done(local_.online(unique));
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < unique.size(); ++i)
      if (r.elements[i].integer == 1) out.push_back(unique[i]);
    done(std::move(out));
  });
}

void redis_connection_map::connection_count(const std::string& user_id,
                                            callback<std::size_t> done) {
  conn_->command(
      {"SCARD", connections_key(user_id)},
      [this, alive = std::weak_ptr<bool>(alive_), user_id, done = std::move(done)](redis_reply r) {
        if (!alive.lock()) return;
        if (r.type == redis_reply::kind::integer) return done(static_cast<std::size_t>(r.integer));
        log_failure("SCARD", r);
        done(local_.count(user_id));
      });
}

void redis_connection_map::heartbeat() {
  conn_->command(
      {"EVAL", std::string(scripts::heartbeat_and_sweep), "1", std::string(instances_key),
       settings_.instance, std::to_string(settings_.stale_after.count())},
      [this, alive = std::weak_ptr<bool>(alive_)](redis_reply r) {
        if (!alive.lock()) return;
        if (r.type == redis_reply::kind::array && r.elements.size() == 2) {
          if (r.elements[0].integer == 0 && local_.socket_count() > 0) {
            spdlog::warn("redis map: Redis forgot instance {}, registering its {} sockets again",
                         settings_.instance, local_.socket_count());
            refill();
          }
          auto offline = r.elements[1].strings();
          if (!offline.empty()) {
            spdlog::info("redis map: swept dead instances, {} users now offline", offline.size());
            if (on_offline_) on_offline_(offline);
          }
        }
        timer_.expires_after(settings_.heartbeat_interval);
        timer_.async_wait([this, alive](const boost::system::error_code& ec) {
          if (!ec && alive.lock()) heartbeat();
        });
      });
}

void redis_connection_map::refill() {
  if (refilling_) return;
  refilling_ = true;
  conn_->command({"SMEMBERS", instance_key()}, [this, alive = std::weak_ptr<bool>(alive_)](
                                                   redis_reply members) {
    if (!alive.lock()) return;
    if (!members.ok()) {
      refilling_ = false;  // the next reconnect refills
      return;
    }
    auto b = std::make_shared<batch>();
    auto offline = std::make_shared<std::vector<std::string>>();
    const auto live = local_.entries();
    std::set<std::string> live_members;
    for (const auto& [sid, user] : live) live_members.insert(sid + "\n" + user);
    b->left = 1;  // held until every command is sent
    b->finish = [this, alive, offline] {
      if (!alive.lock()) return;
      refilling_ = false;
      ++refills_;
      if (!offline->empty() && on_offline_) on_offline_(*offline);
    };
    for (const auto& m : members.strings()) {
      auto nl = m.find('\n');
      if (live_members.count(m) || nl == std::string::npos) continue;
      std::string sid = m.substr(0, nl), user = m.substr(nl + 1);
      ++b->left;  // registered here, gone meanwhile (removed during an outage)
      conn_->command(
          {"EVAL", std::string(scripts::remove_socket), "4", connections_key(user), socket_key(sid),
           std::string(online_key), instance_key(), sid, user, settings_.instance},
          [b, offline, user](redis_reply r) {
            if (r.type == redis_reply::kind::integer && r.integer == 0) offline->push_back(user);
            b->one_done();
          });
    }
    for (const auto& [sid, user] : live) {
      ++b->left;
      conn_->command(register_args(sid, user, 0), [b](redis_reply) { b->one_done(); });
    }
    spdlog::info("redis map: refill of instance {}: {} live sockets registered", settings_.instance,
                 live.size());
    b->one_done();
  });
}

}  // namespace chatgate::cluster::redis
