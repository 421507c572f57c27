#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/io_context.hpp>

#include "engineio/admission.hpp"
#include "engineio/request_info.hpp"
#include "engineio/server_stats.hpp"
#include "engineio/settings.hpp"
#include "engineio/socket.hpp"
#include "engineio/timer_queue.hpp"
#include "http/cors_policy.hpp"
#include "http/handler.hpp"

namespace chatgate::engineio {

class session;
class websocket_transport;

/// An Engine.IO protocol 4 server (Node's engine.io `Server`): handshakes, routes polling
/// requests and websocket upgrades under settings.path to their sessions. It is an
/// http::handler, so a listener can serve it directly or a router can delegate to it.
/// Single io thread.
class server final : public http::handler {
 public:
  server(boost::asio::io_context& ioc, settings config);
  ~server() override;
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Whether a request target belongs here (path prefix, as Node's attach() checks).
  bool handles(std::string_view target) const;
  /// Called with each new session, after its open packet was queued.
  void on_connection(std::function<void(std::shared_ptr<socket>)> callback);
  /// Open sessions.
  std::size_t client_count() const { return sessions_.size(); }
  /// Open sessions not yet marked authenticated (socket::mark_authenticated).
  /// With a shared admission (set_admission), every sharing server's.
  std::size_t unauthenticated_count() const { return admission_->unauthenticated(); }
  /// The handshake limiter and unauthenticated count (its own, or shared).
  const admission& admission_control() const { return *admission_; }
  /// Shares one admission between servers (one per io thread): call before any request.
  void set_admission(std::shared_ptr<admission> shared) { admission_ = std::move(shared); }
  const server_stats& stats() const { return stats_; }
  const settings& config() const { return config_; }
  /// Graceful stop: every session gets what it can take now, then closes ("forced close").
  void close_all();
  /// Replaces the random session-id generator (tests).
  void set_id_generator(std::function<std::string()> generator);

  // http::handler
  std::size_t body_limit(const http::request_header& header) const override;
  http::response on_body_too_large(const http::request_header& header) override;
  void on_request(http::request&& req, const http::connection_info& info,
                  http::responder respond) override;
  void on_upgrade(http::request&& req, boost::beast::tcp_stream&& stream,
                  boost::beast::flat_buffer&& buffer, const http::connection_info& info) override;

 private:
  /// Node's verify(): the error a request is refused with, if any.
  std::optional<request_error> verify(const std::map<std::string, std::string>& query,
                                      const http::request& req, bool upgrade);
  /// Contract §9 floods, for a request that would open a session: the refusal (429 past the
  /// per-address limit, 503 past max_unauthenticated), or nullopt to go ahead.
  std::optional<http::response> admit(const http::request& req, const http::connection_info& info);
  void refuse_upgrade(boost::beast::tcp_stream&& stream, http::response res);
  std::shared_ptr<session> find(const std::string& sid);
  std::shared_ptr<session> open_session(std::map<std::string, std::string> query,
                                        const http::request& req,
                                        const http::connection_info& info);
  void on_session_closed(session& s, std::string_view reason);
  void on_websocket(std::shared_ptr<websocket_transport> ws,
                    std::map<std::string, std::string> query, const http::request& req,
                    const http::connection_info& info);

  boost::asio::io_context& ioc_;
  settings config_;
  http::cors_policy cors_;  // from config_.allowed_origins
  // Every session's deadlines on one asio timer (declared before sessions_, which refer to it).
  timer_queue timers_;
  // Keyed by a view of the session's own id (the session outlives its entry): no second copy
  // of each 20-character id on the heap, and a smaller node than std::map's (issue 10).
  std::unordered_map<std::string_view, std::shared_ptr<session>> sessions_;
  std::function<void(std::shared_ptr<socket>)> on_connection_;
  std::function<std::string()> generate_id_;
  server_stats stats_;
  std::shared_ptr<admission> admission_;  // handshake limiter + unauthenticated count
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // pending accepts check it
};

}  // namespace chatgate::engineio
