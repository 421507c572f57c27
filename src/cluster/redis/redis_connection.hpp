#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "cluster/redis/pubsub_transport.hpp"
#include "cluster/redis/redis_reply.hpp"
#include "cluster/redis/redis_url.hpp"

struct redisAsyncContext;

namespace chatgate::cluster::redis {

/// Settings of one Redis connection.
struct redis_connection_settings {
  /// First reconnect delay after a failure; doubles on each further failure ...
  std::chrono::milliseconds backoff_min{100};
  /// ... up to this.
  std::chrono::milliseconds backoff_max{2000};
  /// A connect that has not completed by then is abandoned and retried.
  std::chrono::milliseconds connect_timeout{2000};
  /// PING this often while connected (0: never; a subscriber connection cannot PING in hiredis
  /// 0.14's subscribed mode and relies on TCP keepalive and the server closing the socket).
  std::chrono::milliseconds ping_interval{1000};
  /// A PING unanswered this long drops the connection (a silent server is a dead one).
  std::chrono::milliseconds ping_timeout{3000};
  /// Commands sent and not yet answered; past it a command fails at once with no_connection
  /// (backpressure: callers treat it like an outage, nothing is queued without bound).
  std::size_t max_pending = 100000;
};

/// One hiredis asynchronous connection driven by Asio: the socket hiredis opens is watched with a
/// posix::stream_descriptor on `ex` (hiredis's addRead/delRead/addWrite/delWrite/cleanup hooks
/// arm and disarm async_wait), so no call ever blocks and no thread is added. Host names are
/// resolved with Asio's asynchronous resolver before each connect. On a lost connection it
/// reconnects with exponential backoff, re-sends AUTH/SELECT and re-subscribes every channel and
/// pattern given to subscribe/psubscribe.
///
/// Threads: every member, and every callback, runs on `ex` (one io thread owns the connection);
/// other threads must post to it. Commands issued while disconnected (or past max_pending) fail
/// with kind::no_connection, posted, never run inside the call.
class redis_connection final : public pubsub_transport,
                               public std::enable_shared_from_this<redis_connection> {
 public:
  static std::shared_ptr<redis_connection> create(boost::asio::any_io_executor ex,
                                                  redis_endpoint ep, std::string name,
                                                  redis_connection_settings settings = {});
  redis_connection(boost::asio::any_io_executor ex, redis_endpoint ep, std::string name,
                   redis_connection_settings settings);
  ~redis_connection() override;
  redis_connection(const redis_connection&) = delete;
  redis_connection& operator=(const redis_connection&) = delete;

  /// Connects (and keeps reconnecting until stop()).
  void start();
  /// Disconnects for good; answers still awaited are dropped without calling their handlers.
  void stop();
  /// Whether the connection is up (connected, AUTH/SELECT sent).
  bool connected() const { return connected_; }

  /// Sends one command (binary-safe arguments); `done` gets its reply exactly once.
  void command(std::vector<std::string> argv, reply_handler done) override;
  /// SUBSCRIBE `channel` now (if connected) and after every reconnect.
  void subscribe(std::string channel, message_handler on_message) override;
  /// PSUBSCRIBE `pattern` now and after every reconnect; the handler gets the real channel.
  void psubscribe(std::string pattern, message_handler on_message) override;

  /// Stops delivering messages of `name` (a pattern when `pattern`) and UNSUBSCRIBEs.
  void unsubscribe(const std::string& name, bool pattern) override;

  /// Called on `ex` each time the connection comes up / goes down.
  void on_up(std::function<void()> fn) { on_up_ = std::move(fn); }
  void on_down(std::function<void()> fn) { on_down_ = std::move(fn); }

  /// Connections established so far (1 after the first, +1 per reconnect).
  std::uint64_t connects() const { return connects_; }
  const std::string& name() const { return name_; }
  boost::asio::any_io_executor get_executor() const override { return ex_; }

 private:
  struct subscription {
    std::string name;
    bool pattern = false;
    message_handler on_message;  // null once unsubscribed (hiredis may still hold the node)
  };

  void resolve();
  void connect(const boost::asio::ip::tcp::endpoint& at);
  void attach();
  void on_connected(int status);
  void on_disconnected(std::string why);
  void schedule_reconnect();
  void send_subscription(subscription& sub);
  void arm_read();
  void arm_write();
  void ping();

  static void connect_cb(const redisAsyncContext* ac, int status);
  static void disconnect_cb(const redisAsyncContext* ac, int status);
  static void reply_cb(redisAsyncContext* ac, void* reply, void* privdata);
  static void message_cb(redisAsyncContext* ac, void* reply, void* privdata);
  static void add_read(void* self);
  static void del_read(void* self);
  static void add_write(void* self);
  static void del_write(void* self);
  static void cleanup(void* self);

  boost::asio::any_io_executor ex_;
  redis_endpoint ep_;
  std::string name_;
  redis_connection_settings settings_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer ping_timer_;
  redisAsyncContext* ac_ = nullptr;
  std::unique_ptr<boost::asio::posix::stream_descriptor> fd_;
  std::uint64_t generation_ = 0;  // bumped when ac_ goes away: stale waits then do nothing
  bool want_read_ = false, want_write_ = false, read_armed_ = false, write_armed_ = false;
  bool connected_ = false, stopped_ = true, retry_scheduled_ = false;
  bool ping_outstanding_ = false;
  std::chrono::steady_clock::time_point ping_sent_;
  std::chrono::milliseconds backoff_{0};
  std::size_t pending_ = 0;
  std::uint64_t connects_ = 0;
  std::map<std::string, subscription> subscriptions_;  // key: 'c'|'p' + name; nodes are stable
  std::function<void()> on_up_, on_down_;
};

}  // namespace chatgate::cluster::redis
