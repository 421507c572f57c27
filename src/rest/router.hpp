#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "auth/verifier.hpp"
#include "chat/async_chat.hpp"
#include "chat/presence.hpp"
#include "core/metrics.hpp"
#include "http/cors_policy.hpp"
#include "http/handler.hpp"
#include "rest/api.hpp"
#include "rest/request_metrics.hpp"
#include "rest/static_files.hpp"

namespace chatgate::rest {

/// REST limits and CORS.
struct router_settings {
  std::size_t max_body_bytes = 1024 * 1024;       // MAX_BODY_BYTES: larger bodies get 413
  std::vector<std::string> allowed_origins{"*"};  // ALLOWED_ORIGINS
  bool web = true;                                // WEB_UI: serve the web client at /
  unsigned socket_port = 4001;                    // WS_PORT, told to the web client
};

/// The REST side of chatgate as an http::handler: /api/v1/... (bearer auth), /health, /ready,
/// /metrics, CORS. API calls answer once their store worker did (chat::async_chat posts the answer
/// back to the io thread); with an inline chat runner everything answers at once, so handle() is
/// the whole behaviour and tests drive it without sockets or threads.
class router final : public http::handler {
 public:
  router(chat::async_chat& chat, chat::presence& presence, const auth::verifier& verifier,
         core::metrics& metrics, router_settings settings = {});

  /// The live sockets GET /api/v1/admin/connections lists (the gateway's); null: none.
  void set_connection_directory(chat::connection_directory* d) { api_.set_connection_directory(d); }

  /// /ready answers 503 naming `name` while `ready()` is false (store, Redis, ...).
  void add_readiness_check(std::string name, std::function<bool()> ready);

  std::size_t body_limit(const http::request_header& header) const override;
  http::response on_body_too_large(const http::request_header& header) override;
  void on_request(http::request&& req, const http::connection_info& info,
                  http::responder respond) override;
  /// REST has no WebSocket endpoint: answers 404 and closes.
  void on_upgrade(http::request&& req, boost::beast::tcp_stream&& stream,
                  boost::beast::flat_buffer&& buffer, const http::connection_info& info) override;

  /// Answers one request through `respond` (now, or later for POST /presence), with CORS
  /// headers, counted in the metrics.
  void handle_async(const http::request& req, http::responder respond);
  /// handle_async for collaborators that answer at once (tests): throws std::logic_error if the
  /// answer was deferred.
  http::response handle(const http::request& req);
  /// Every route answered, as "METHOD /path" with "{}" for a path parameter (e.g.
  /// "GET /api/v1/conversations/{}"): the API, /health, /ready, /metrics and the OpenAPI
  /// document; not the web client's files. Tests compare it with docs/openapi.json.
  std::vector<std::string> route_table() const;

 private:
  struct route {
    boost::beast::http::verb method;
    std::vector<std::string_view> pattern;  // segments after /api/v1; ":" matches one segment
    api::endpoint endpoint = nullptr;
    std::size_t metrics_id = 0;  // in request_metrics_, label e.g. "/api/v1/conversations/:param"
  };
  /// Metrics ids of the answers that are not API routes, registered first in this order.
  enum fixed_route : std::size_t {
    preflight,
    unmatched,
    health,
    readiness,
    metrics_text,
    too_large,
    static_file
  };
  /// Receives the response and the route's metrics id.
  using finisher = std::function<void(http::response, std::size_t route)>;

  void dispatch(const http::request& req, const finisher& finish);
  void call_api(const http::request& req, const route& r, std::vector<std::string> params,
                std::map<std::string, std::string, std::less<>> query, const finisher& finish);
  http::response api_response(const http::request_header& req, const std::string& user,
                              core::result<reply> out);
  http::response metrics_response(const http::request& req);
  http::response ready(const http::request& req);
  http::response not_found(const http::request& req) const;
  void record(const http::request_header& req, const http::response& res, std::size_t route,
              double seconds);

  api api_;
  const auth::verifier& verifier_;
  core::metrics& metrics_;
  request_metrics request_metrics_;
  router_settings settings_;
  http::cors_policy cors_;
  static_files files_;
  std::vector<route> routes_;
  std::vector<std::pair<std::string, std::function<bool()>>> readiness_;
};

}  // namespace chatgate::rest
