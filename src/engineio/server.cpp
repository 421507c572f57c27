#include "engineio/server.hpp"

#include <array>
#include <vector>

#include <openssl/rand.h>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>

#include "core/base64.hpp"
#include "engineio/session.hpp"
#include "engineio/transports/polling_transport.hpp"
#include "engineio/transports/websocket_transport.hpp"

namespace chatgate::engineio {

namespace bhttp = boost::beast::http;
namespace beast = boost::beast;
using query_map = std::map<std::string, std::string>;

namespace {

/// 15 random bytes in URL-safe base64 (20 characters), as Node's base64id.
std::string random_id() {
  std::array<unsigned char, 15> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  // 15 bytes: a multiple of 3, so no padding to drop.
  return core::base64url_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string value_of(const query_map& query, std::string_view key) {
  const auto it = query.find(std::string(key));
  return it == query.end() ? std::string() : it->second;
}

}  // namespace

server::server(boost::asio::io_context& ioc, settings config)
    : ioc_(ioc),
      config_(std::move(config)),
      cors_(config_.allowed_origins),
      timers_(ioc.get_executor(), &session::on_due),
      generate_id_(random_id),
      admission_(
          std::make_shared<admission>(config_.handshake_limit, config_.max_unauthenticated)) {
  if (config_.path.empty() || config_.path.back() != '/') config_.path += '/';
}

server::~server() {
  close_all();
}

bool server::handles(std::string_view target) const {
  return target.substr(0, config_.path.size()) == config_.path;
}

void server::on_connection(std::function<void(std::shared_ptr<socket>)> callback) {
  on_connection_ = std::move(callback);
}

void server::set_id_generator(std::function<std::string()> generator) {
  generate_id_ = std::move(generator);
}

void server::close_all() {
  std::vector<std::shared_ptr<session>> all;
  for (auto& [id, s] : sessions_) all.push_back(s);
  for (auto& s : all) s->terminate("forced close");
}

std::size_t server::body_limit(const http::request_header&) const {
  return config_.max_payload;
}

http::response server::on_body_too_large(const http::request_header& header) {
  http::response res{bhttp::status::payload_too_large, header.version()};
  cors_.decorate(header, res);
  return res;
}

std::shared_ptr<session> server::find(const std::string& sid) {
  const auto it = sessions_.find(sid);
  if (it == sessions_.end()) return nullptr;
  auto s = it->second;
  // A session past its pong deadline is gone for the client, whether or not its timer ran.
  return s->enforce_deadline() ? nullptr : s;
}

std::optional<request_error> server::verify(const query_map& query, const http::request& req,
                                            bool upgrade) {
  const std::string transport = value_of(query, "transport");
  const bool known = (transport == "polling" && config_.allow_polling) ||
                     (transport == "websocket" && config_.allow_websocket);
  if (!known) return request_error::unknown_transport;
  const auto origin = req[bhttp::field::origin];
  if (!valid_header_value(origin)) return request_error::bad_request;
  // Contract §9: a browser page from an origin not listed opens nothing, on either transport
  // (CORS alone does not stop a websocket). No Origin: a native client, allowed.
  if (!origin.empty() && !cors_.allows(origin)) {
    ++stats_.origin_refused;
    return request_error::forbidden;
  }
  const std::string sid = value_of(query, "sid");
  if (!sid.empty()) {
    const auto s = find(sid);
    if (!s) return request_error::unknown_sid;
    if (!upgrade && s->transport_name() != transport) return request_error::bad_request;
    return std::nullopt;
  }
  if (req.method() != bhttp::verb::get) return request_error::bad_handshake_method;
  if (transport == "websocket" && !upgrade) return request_error::bad_request;
  if (value_of(query, "EIO") != "4") return request_error::unsupported_protocol;
  return std::nullopt;
}

std::optional<http::response> server::admit(const http::request& req,
                                            const http::connection_info& info) {
  auto refusal = [&](bhttp::status status, std::string_view code, std::string_view message,
                     std::chrono::milliseconds retry) {
    http::response res{status, req.version()};
    res.set(bhttp::field::content_type, "application/json");
    const auto seconds = std::max<long long>(1, (retry.count() + 999) / 1000);
    res.set(bhttp::field::retry_after, std::to_string(seconds));
    res.body() = "{\"statusCode\":" + std::to_string(static_cast<int>(status)) + ",\"code\":\"" +
                 std::string(code) + "\",\"message\":\"" + std::string(message) +
                 "\",\"retryAfterMs\":" + std::to_string(retry.count()) + "}";
    cors_.decorate(req[bhttp::field::origin], res);
    return res;
  };
  const auto wait = admission_->acquire(info.remote.address(), std::chrono::steady_clock::now());
  if (wait.count() > 0) {
    ++stats_.handshakes_rate_limited;
    return refusal(bhttp::status::too_many_requests, "RATE_LIMITED",
                   "Too many connection attempts from this address", wait);
  }
  if (admission_->full()) {
    ++stats_.unauthenticated_refused;
    return refusal(bhttp::status::service_unavailable, "SERVICE_UNAVAILABLE",
                   "Too many connections waiting for authentication", std::chrono::seconds(1));
  }
  return std::nullopt;
}

void server::refuse_upgrade(beast::tcp_stream&& stream, http::response res) {
  res.keep_alive(false);
  res.prepare_payload();
  auto held = std::make_shared<beast::tcp_stream>(std::move(stream));
  auto out = std::make_shared<http::response>(std::move(res));
  held->expires_after(std::chrono::seconds(5));
  bhttp::async_write(*held, *out, [held, out](beast::error_code, std::size_t) {
    beast::error_code ec;
    held->socket().shutdown(boost::asio::socket_base::shutdown_both, ec);
    held->close();
  });
}

std::shared_ptr<session> server::open_session(query_map query, const http::request& req,
                                              const http::connection_info& info) {
  std::string id = generate_id_();
  auto s = std::make_shared<session>(
      timers_, std::move(id), make_handshake_info(req, std::move(query), info), config_,
      [this](session& closed, std::string_view reason) { on_session_closed(closed, reason); });
  sessions_.emplace(s->id(), s);
  ++stats_.sessions_opened;
  admission_->opened();
  // Cleared in on_session_closed, which runs before the server is gone (close_all).
  s->on_authenticated = [this] { admission_->authenticated(); };
  return s;
}

void server::on_session_closed(session& s, std::string_view reason) {
  ++stats_.sessions_closed;
  if (s.on_authenticated) {
    s.on_authenticated = nullptr;
    if (!s.authenticated()) admission_->authenticated();
  }
  auto it = stats_.closed_by_reason.find(reason);
  if (it == stats_.closed_by_reason.end()) it = stats_.closed_by_reason.emplace(reason, 0).first;
  ++it->second;
  if (reason == "slow client") ++stats_.slow_client_disconnects;
  sessions_.erase(s.id());
}

void server::on_request(http::request&& req, const http::connection_info& info,
                        http::responder respond) {
  const std::string origin(req[bhttp::field::origin]);
  if (req.method() == bhttp::verb::options) {
    return respond(cors_.preflight(req));
  }
  auto refuse = [&](request_error e) {
    ++stats_.requests_refused;
    http::response res = error_response(e, req.version());
    cors_.decorate(origin, res);
    respond(std::move(res));
  };
  auto query = parse_query(req.target());
  if (!query) return refuse(request_error::bad_request);
  if (auto error = verify(*query, req, false)) return refuse(*error);
  const std::string sid = value_of(*query, "sid");
  if (sid.empty()) {
    if (auto refused = admit(req, info)) return respond(std::move(*refused));
    auto polling = std::make_shared<polling_transport>(config_, cors_);
    polling->on_get(req, info, std::move(respond));  // held: the open packet answers it
    auto s = open_session(std::move(*query), req, info);
    s->start(polling);
    if (on_connection_) on_connection_(s);
    return;
  }
  const auto s = find(sid);
  // verify() found it, but find() reads the clock again: the pong deadline may have passed
  // between the two reads, and then the session is gone.
  if (!s) return refuse(request_error::unknown_sid);
  // A plain HTTP request naming a websocket session (transport=websocket, no upgrade): Node
  // leaves it hanging; refuse it instead. Otherwise verify() saw the transport is polling.
  if (s->transport_name() != "polling") return refuse(request_error::bad_request);
  auto polling = std::static_pointer_cast<polling_transport>(s->current_transport());
  if (req.method() == bhttp::verb::get) return polling->on_get(req, info, std::move(respond));
  if (req.method() == bhttp::verb::post) return polling->on_post(req, std::move(respond));
  http::response res{bhttp::status::internal_server_error, req.version()};  // as Node
  respond(std::move(res));
}

void server::on_upgrade(http::request&& req, beast::tcp_stream&& stream, beast::flat_buffer&&,
                        const http::connection_info& info) {
  auto query = parse_query(req.target());
  std::optional<request_error> error;
  if (!query) {
    error = request_error::bad_request;
  } else if ((error = verify(*query, req, true))) {
  } else if (value_of(*query, "transport") != "websocket") {
    error = request_error::bad_request;  // polling does not take upgrades
  }
  if (error) {
    ++stats_.requests_refused;
    auto raw = std::make_shared<std::string>(upgrade_error_response(*error));
    auto held = std::make_shared<beast::tcp_stream>(std::move(stream));
    boost::asio::async_write(*held, boost::asio::buffer(*raw),
                             [raw, held](beast::error_code, std::size_t) {
                               beast::error_code ec;
                               held->socket().shutdown(boost::asio::socket_base::shutdown_both, ec);
                               held->close();
                             });
    return;
  }
  if (value_of(*query, "sid").empty()) {
    // Before the websocket exists: a refused handshake costs no session memory.
    if (auto refused = admit(req, info))
      return refuse_upgrade(std::move(stream), std::move(*refused));
  }
  auto ws = std::make_shared<websocket_transport>(std::move(stream), config_);
  auto kept = std::make_shared<http::request>(std::move(req));
  ws->accept(*kept, [this, alive = std::weak_ptr<int>(alive_), ws, kept, info,
                     q = std::move(*query)](bool ok) mutable {
    if (!ok || alive.expired()) return;
    on_websocket(ws, std::move(q), *kept, info);
  });
}

void server::on_websocket(std::shared_ptr<websocket_transport> ws, query_map query,
                          const http::request& req, const http::connection_info& info) {
  const std::string sid = value_of(query, "sid");
  if (!sid.empty()) {
    auto s = find(sid);
    // Node closes a websocket that comes for a closed, upgrading or upgraded session.
    if (!s || s->upgrading() || s->upgraded() || s->transport_name() != "polling") {
      return ws->close();
    }
    ++stats_.upgrade_attempts;
    s->begin_upgrade(ws);
    ws->start_reading();
    return;
  }
  auto s = open_session(std::move(query), req, info);
  s->start(ws);
  ws->start_reading();
  if (on_connection_) on_connection_(s);
}

}  // namespace chatgate::engineio
