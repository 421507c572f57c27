#pragma once
#include <cstddef>
#include <functional>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "http/handler.hpp"

namespace chatgate::app {

/// The http::handler of one io thread's listeners (IO_THREADS): sends each request to the thread
/// that serves it (cluster::shard_routing) and hands it off when that is another thread.
///
/// - A polling request for a session of thread j (its sid's first character) is posted to
///   thread j's handler; its answer is posted back here, where the connection lives. A client
///   that hangs up meanwhile is reported to thread j (the long-poll ends there).
/// - A websocket upgrade for a session of thread j: the socket itself moves to thread j (its
///   descriptor is released here and adopted by thread j's io_context), with the bytes read
///   past the request, so the websocket then lives on the session's thread.
/// - REST (everything outside /socket.io/) runs on thread 0; a websocket upgrade there is
///   refused where it arrived (REST takes none).
/// - A new session (no sid) stays here: the listener's round-robin spreads the sessions.
class shard_router final : public http::handler {
 public:
  /// `local`: this thread's path_dispatcher (Engine.IO here, REST for thread 0's requests).
  shard_router(std::size_t index, boost::asio::io_context& ioc, http::handler& local);

  /// Every thread's router (peers[k] for thread k, this one included). Before any request.
  void set_peers(std::vector<shard_router*> peers) { peers_ = std::move(peers); }
  /// On thread 0: runs before a GET /metrics is answered (gathers every thread's counters),
  /// `done` then answers it.
  void set_metrics_gather(std::function<void(std::function<void()> done)> gather) {
    gather_ = std::move(gather);
  }
  /// Requests and upgrades this router passed to another thread.
  std::uint64_t handed_off() const { return handed_off_; }

  std::size_t body_limit(const http::request_header& header) const override;
  http::response on_body_too_large(const http::request_header& header) override;
  void on_request(http::request&& req, const http::connection_info& info,
                  http::responder respond) override;
  void on_upgrade(http::request&& req, boost::beast::tcp_stream&& stream,
                  boost::beast::flat_buffer&& buffer, const http::connection_info& info) override;

 private:
  std::size_t pick(const http::request_header& header) const;
  /// On this thread, for a request that belongs here.
  void serve(http::request&& req, const http::connection_info& info, http::responder respond);
  void hand_off(std::size_t to, http::request&& req, const http::connection_info& info,
                http::responder respond);

  std::size_t index_;
  boost::asio::io_context& ioc_;
  http::handler& local_;
  std::vector<shard_router*> peers_;
  std::function<void(std::function<void()>)> gather_;
  std::uint64_t handed_off_ = 0;
};

}  // namespace chatgate::app
