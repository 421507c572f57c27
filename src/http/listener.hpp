#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/handler.hpp"
#include "http/listener_settings.hpp"

namespace chatgate::http {

class http_session;

/// Book-keeping shared by a listener and its sessions (sessions may outlive the listener).
struct session_registry {
  std::unordered_map<std::uint64_t, std::weak_ptr<http_session>> sessions;
  std::uint64_t next_id = 0;
  bool stopping = false;
  std::uint64_t header_timeouts = 0;  // connections closed for header_timeout
  /// Fires when the last session ends after stop() (graceful drain).
  std::function<void()> on_drained;

  void remove(std::uint64_t id);
};

/// Accepts TCP connections on one endpoint and runs an http_session on each, on its io_context's
/// thread. With several io threads (IO_THREADS > 1) one listener per thread: the first binds and
/// accepts, spread_to() hands each accepted connection to the next listener round-robin (the
/// socket is accepted onto that listener's io_context and adopt() runs there); the others never
/// bind. The handler must outlive every session (stop, then drain, then destroy).
class listener {
 public:
  listener(boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& endpoint,
           handler& target, listener_settings settings = {});
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  /// Binds and starts accepting. Throws std::runtime_error naming the endpoint on failure
  /// (e.g. "address already in use").
  void start();
  /// Accepted connections go round-robin to `targets` (this one may be among them); every target
  /// must outlive this listener's accepting (stop it first). Call before start().
  void spread_to(std::vector<listener*> targets);
  /// On this listener's thread: runs an http_session on `socket` (accepted by another listener
  /// onto this io_context). After stop() the socket is closed instead.
  void adopt(boost::asio::ip::tcp::socket socket);
  /// Connections this listener accepted and handed to another (spread_to).
  std::uint64_t handed_off() const { return handed_off_; }
  /// Stops accepting; idle keep-alive connections close, a pending response is still written
  /// (then that connection closes). Upgraded websockets belong to the handler and are not
  /// touched.
  void stop();
  /// HTTP connections still open (upgraded ones no longer count).
  std::size_t active_sessions() const { return registry_->sessions.size(); }
  /// Connections closed because their headers did not arrive within header_timeout.
  std::uint64_t header_timeouts() const { return registry_->header_timeouts; }
  /// Calls `done` once no HTTP connection is left (at once if there is none). Use after stop().
  void on_drained(std::function<void()> done);
  /// The bound endpoint (useful with port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  void do_accept();
  void retry_accept(const boost::system::error_code& ec);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::endpoint endpoint_;
  handler& handler_;
  listener_settings settings_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<session_registry> registry_;
  boost::asio::steady_timer retry_timer_;  // accept_retry_delay after a failed accept
  bool accept_failing_ = false;            // logged once per run of failures
  std::vector<listener*> targets_;         // spread_to(); empty: every connection stays here
  std::size_t next_target_ = 0;            // round-robin position in targets_
  std::uint64_t handed_off_ = 0;
};

}  // namespace chatgate::http
