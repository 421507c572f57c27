#include "cluster/redis/redis_connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace chatgate::cluster::redis {

namespace asio = boost::asio;

std::shared_ptr<redis_connection> redis_connection::create(asio::any_io_executor ex,
                                                           redis_endpoint ep, std::string name,
                                                           redis_connection_settings settings) {
  return std::make_shared<redis_connection>(std::move(ex), std::move(ep), std::move(name),
                                            settings);
}

redis_connection::redis_connection(asio::any_io_executor ex, redis_endpoint ep, std::string name,
                                   redis_connection_settings settings)
    : ex_(ex),
      ep_(std::move(ep)),
      name_(std::move(name)),
      settings_(settings),
      resolver_(ex),
      retry_timer_(ex),
      connect_timer_(ex),
      ping_timer_(ex) {}

redis_connection::~redis_connection() {
  stop();
}

void redis_connection::start() {
  if (!stopped_) return;
  stopped_ = false;
  resolve();
}

void redis_connection::stop() {
  stopped_ = true;
  retry_timer_.cancel();
  connect_timer_.cancel();
  ping_timer_.cancel();
  resolver_.cancel();
  if (ac_) redisAsyncFree(ac_);  // pending replies come back null and are dropped (stopped_)
  connected_ = false;
}

void redis_connection::resolve() {
  resolver_.async_resolve(ep_.host, std::to_string(ep_.port),
                          [w = weak_from_this()](const boost::system::error_code& ec,
                                                 asio::ip::tcp::resolver::results_type results) {
                            auto self = w.lock();
                            if (!self || self->stopped_) return;
                            if (ec || results.empty()) {
                              spdlog::warn("redis {}: cannot resolve {}: {}", self->name_,
                                           self->ep_.host, ec ? ec.message() : "no address");
                              return self->schedule_reconnect();
                            }
                            self->connect(results.begin()->endpoint());
                          });
}

void redis_connection::connect(const asio::ip::tcp::endpoint& at) {
  // A numeric address: hiredis does no DNS lookup, connect(2) is non-blocking.
  ac_ = redisAsyncConnect(at.address().to_string().c_str(), at.port());
  if (!ac_ || ac_->err) {
    spdlog::warn("redis {}: connect to {}: {}", name_, ep_.host, ac_ ? ac_->errstr : "no memory");
    if (ac_) redisAsyncFree(ac_);
    ac_ = nullptr;
    return schedule_reconnect();
  }
  attach();
  connect_timer_.expires_after(settings_.connect_timeout);
  connect_timer_.async_wait([w = weak_from_this(), gen = generation_](auto ec) {
    auto self = w.lock();
    if (ec || !self || self->generation_ != gen || !self->ac_ || self->connected_) return;
    spdlog::warn("redis {}: connect timed out", self->name_);
    redisAsyncFree(self->ac_);  // not connected: no disconnect callback, so retry here
    self->schedule_reconnect();
  });
}

void redis_connection::attach() {
  ac_->data = this;
  ac_->ev.data = this;
  ac_->ev.addRead = &add_read;
  ac_->ev.delRead = &del_read;
  ac_->ev.addWrite = &add_write;
  ac_->ev.delWrite = &del_write;
  ac_->ev.cleanup = &cleanup;
  // hiredis closes the descriptor itself; cleanup() releases it from Asio before that.
  fd_ = std::make_unique<asio::posix::stream_descriptor>(ex_, ac_->c.fd);
  redisEnableKeepAlive(&ac_->c);
  redisAsyncSetDisconnectCallback(ac_, &disconnect_cb);
  redisAsyncSetConnectCallback(ac_, &connect_cb);  // arms the first write event: set hooks first
}

void redis_connection::on_connected(int status) {
  connect_timer_.cancel();
  if (status != REDIS_OK) {
    spdlog::warn("redis {}: cannot connect to {}:{}: {}", name_, ep_.host, ep_.port,
                 ac_ ? ac_->errstr : "error");
    return schedule_reconnect();  // hiredis frees the context after this callback
  }
  ++connects_;
  connected_ = true;
  backoff_ = std::chrono::milliseconds{0};
  spdlog::info("redis {}: connected to {}:{}", name_, ep_.host, ep_.port);
  auto ignore = [name = name_](redis_reply r) {
    if (r.type == redis_reply::kind::error) spdlog::error("redis {}: {}", name, r.str);
  };
  if (!ep_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!ep_.user.empty()) auth.push_back(ep_.user);
    auth.push_back(ep_.password);
    command(std::move(auth), ignore);
  }
  if (ep_.db != 0) command({"SELECT", std::to_string(ep_.db)}, ignore);
  for (auto& [key, sub] : subscriptions_) send_subscription(sub);
  if (settings_.ping_interval.count() > 0) ping();
  if (on_up_) on_up_();
}

void redis_connection::on_disconnected(std::string why) {
  const bool was_up = connected_;
  connected_ = false;
  ping_outstanding_ = false;
  ping_timer_.cancel();
  if (stopped_) return;
  spdlog::warn("redis {}: connection to {}:{} lost{}{}", name_, ep_.host, ep_.port,
               why.empty() ? "" : ": ", why);
  schedule_reconnect();
  if (was_up && on_down_) on_down_();
}

void redis_connection::schedule_reconnect() {
  if (stopped_ || retry_scheduled_) return;
  retry_scheduled_ = true;
  backoff_ =
      backoff_.count() == 0 ? settings_.backoff_min : std::min(backoff_ * 2, settings_.backoff_max);
  retry_timer_.expires_after(backoff_);
  retry_timer_.async_wait([w = weak_from_this()](auto ec) {
    auto self = w.lock();
    if (!self) return;
    self->retry_scheduled_ = false;
    if (ec || self->stopped_ || self->ac_) return;
    self->resolve();
  });
}

void redis_connection::ping() {
  ping_timer_.expires_after(settings_.ping_interval);
  ping_timer_.async_wait([w = weak_from_this(), gen = generation_](auto ec) {
    auto self = w.lock();
    if (ec || !self || self->generation_ != gen || !self->connected_) return;
    if (self->ping_outstanding_) {
      if (std::chrono::steady_clock::now() - self->ping_sent_ >= self->settings_.ping_timeout) {
        spdlog::warn("redis {}: no answer to PING, reconnecting", self->name_);
        redisAsyncFree(self->ac_);  // calls disconnect_cb: reconnect scheduled there
        return;
      }
    } else {
      self->ping_outstanding_ = true;
      self->ping_sent_ = std::chrono::steady_clock::now();
      self->command({"PING"}, [w](redis_reply) {
        if (auto s = w.lock()) s->ping_outstanding_ = false;
      });
    }
    self->ping();
  });
}

void redis_connection::command(std::vector<std::string> argv, reply_handler done) {
  if (!connected_ || !ac_ || pending_ >= settings_.max_pending) {
    auto why = connected_ ? "too many commands pending" : "not connected";
    asio::post(ex_, [done = std::move(done), why] { done(redis_reply::failure(why)); });
    return;
  }
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* h = new reply_handler(std::move(done));
  if (redisAsyncCommandArgv(ac_, &reply_cb, h, static_cast<int>(args.size()), args.data(),
                            lens.data()) != REDIS_OK) {
    auto owned = std::unique_ptr<reply_handler>(h);
    asio::post(ex_, [done = std::move(*owned)] { done(redis_reply::failure("send failed")); });
    return;
  }
  ++pending_;
}

void redis_connection::subscribe(std::string channel, message_handler on_message) {
  auto& sub = subscriptions_["c" + channel];
  sub = subscription{std::move(channel), false, std::move(on_message)};
  if (connected_) send_subscription(sub);
}

void redis_connection::psubscribe(std::string pattern, message_handler on_message) {
  auto& sub = subscriptions_["p" + pattern];
  sub = subscription{std::move(pattern), true, std::move(on_message)};
  if (connected_) send_subscription(sub);
}

void redis_connection::unsubscribe(const std::string& name, bool pattern) {
  auto it = subscriptions_.find((pattern ? "p" : "c") + name);
  if (it == subscriptions_.end() || !it->second.on_message) return;
  it->second.on_message = nullptr;
  if (!connected_ || !ac_) return;
  const char* args[] = {pattern ? "PUNSUBSCRIBE" : "UNSUBSCRIBE", name.data()};
  std::size_t lens[] = {pattern ? 12u : 11u, name.size()};
  redisAsyncCommandArgv(ac_, nullptr, nullptr, 2, args, lens);
}

void redis_connection::send_subscription(subscription& sub) {
  if (!sub.on_message) return;
  const char* args[] = {sub.pattern ? "PSUBSCRIBE" : "SUBSCRIBE", sub.name.data()};
  std::size_t lens[] = {sub.pattern ? 10u : 9u, sub.name.size()};
  redisAsyncCommandArgv(ac_, &message_cb, &sub, 2, args, lens);
}

// --- hiredis callbacks (run inside redisAsyncHandleRead/Write, on ex_) -------------------------

void redis_connection::connect_cb(const redisAsyncContext* ac, int status) {
  static_cast<redis_connection*>(ac->data)->on_connected(status);
}

void redis_connection::disconnect_cb(const redisAsyncContext* ac, int) {
  static_cast<redis_connection*>(ac->data)->on_disconnected(ac->errstr);
}

void redis_connection::reply_cb(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* self = static_cast<redis_connection*>(ac->data);
  std::unique_ptr<reply_handler> h(static_cast<reply_handler*>(privdata));
  --self->pending_;
  if (self->stopped_) return;
  (*h)(redis_reply::from(static_cast<redisReply*>(reply)));
}

void redis_connection::message_cb(redisAsyncContext* ac, void* reply, void* privdata) {
  auto* self = static_cast<redis_connection*>(ac->data);
  const auto* r = static_cast<const redisReply*>(reply);
  if (!r || self->stopped_ || r->type != REDIS_REPLY_ARRAY) return;
  auto* sub = static_cast<subscription*>(privdata);
  if (!sub->on_message) return;
  auto str = [r](std::size_t i) {
    const auto* e = r->element[i];
    return e->str ? std::string_view(e->str, e->len) : std::string_view();
  };
  if (r->elements == 3 && str(0) == "message") sub->on_message(str(1), str(2));
  if (r->elements == 4 && str(0) == "pmessage") sub->on_message(str(2), str(3));
}

// --- event hooks: hiredis asks for read/write readiness; Asio waits for it ------------------

void redis_connection::add_read(void* p) {
  auto* self = static_cast<redis_connection*>(p);
  self->want_read_ = true;
  self->arm_read();
}

void redis_connection::del_read(void* p) {
  static_cast<redis_connection*>(p)->want_read_ = false;
}

void redis_connection::add_write(void* p) {
  auto* self = static_cast<redis_connection*>(p);
  self->want_write_ = true;
  self->arm_write();
}

void redis_connection::del_write(void* p) {
  static_cast<redis_connection*>(p)->want_write_ = false;
}

void redis_connection::cleanup(void* p) {
  auto* self = static_cast<redis_connection*>(p);
  if (self->fd_) self->fd_->release();  // hiredis closes the descriptor
  self->fd_.reset();
  self->ac_ = nullptr;
  ++self->generation_;
  self->want_read_ = self->want_write_ = self->read_armed_ = self->write_armed_ = false;
}

void redis_connection::arm_read() {
  if (read_armed_ || !fd_) return;
  read_armed_ = true;
  fd_->async_wait(asio::posix::stream_descriptor::wait_read,
                  [w = weak_from_this(), gen = generation_](const boost::system::error_code& ec) {
                    auto self = w.lock();
                    if (!self || self->generation_ != gen) return;
                    self->read_armed_ = false;
                    if (ec || !self->want_read_) return;
                    redisAsyncHandleRead(self->ac_);  // may free the context (cleanup)
                    if (self->generation_ == gen && self->want_read_) self->arm_read();
                  });
}

void redis_connection::arm_write() {
  if (write_armed_ || !fd_) return;
  write_armed_ = true;
  fd_->async_wait(asio::posix::stream_descriptor::wait_write,
                  [w = weak_from_this(), gen = generation_](const boost::system::error_code& ec) {
                    auto self = w.lock();
                    if (!self || self->generation_ != gen) return;
                    self->write_armed_ = false;
                    if (ec || !self->want_write_) return;
                    redisAsyncHandleWrite(self->ac_);
                    if (self->generation_ == gen && self->want_write_) self->arm_write();
                  });
}

}  // namespace chatgate::cluster::redis
