// The settings table (contract §1): one row per setting, Valkey config.c style.
#include <arpa/inet.h>

#include <charconv>
#include <limits>

#include "core/config.hpp"

namespace chatgate::core {

namespace {

using expected = std::optional<std::string>;

std::string quoted(std::string_view v) {
  return "got \"" + std::string(v) + "\"";
}

template <class Int>
std::optional<Int> to_int(std::string_view s, Int min, Int max) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < static_cast<long long>(min) ||
      v > static_cast<long long>(max))
    return std::nullopt;
  return static_cast<Int>(v);
}

/// A parser for an integer field in [min, max].
template <class Int, class Field>
auto integer(Field field, Int min, Int max) {
  return [=](config& c, std::string_view v) -> expected {
    auto n = to_int<Int>(v, min, max);
    if (!n)
      return "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
             ", " + quoted(v);
    c.*field = *n;
    return std::nullopt;
  };
}

/// A parser for a millisecond field given as an integer (the *_MS variables).
auto millis(std::chrono::milliseconds config::*field) {
  return [=](config& c, std::string_view v) -> expected {
    auto n = to_int<long long>(v, 1, 24LL * 3600 * 1000);
    if (!n) return "expected milliseconds from 1 to 86400000, " + quoted(v);
    c.*field = std::chrono::milliseconds(*n);
    return std::nullopt;
  };
}

// As millis, 0 allowed (a feature that is off at 0).
auto millis_or_off(std::chrono::milliseconds config::*field) {
  return [=](config& c, std::string_view v) -> expected {
    auto n = to_int<long long>(v, 0, 24LL * 3600 * 1000);
    if (!n) return "expected milliseconds from 0 (off) to 86400000, " + quoted(v);
    c.*field = std::chrono::milliseconds(*n);
    return std::nullopt;
  };
}

auto text(std::string config::*field) {
  return [=](config& c, std::string_view v) -> expected {
    c.*field = std::string(v);
    return std::nullopt;
  };
}

expected apply_host(config& c, std::string_view v) {
  std::string s(v);
  unsigned char buf[16];
  if (s != "localhost" && inet_pton(AF_INET, s.c_str(), buf) != 1 &&
      inet_pton(AF_INET6, s.c_str(), buf) != 1)
    return "expected an IPv4 or IPv6 address like 0.0.0.0 or 127.0.0.1, " + quoted(v);
  c.host = s == "localhost" ? "127.0.0.1" : s;
  return std::nullopt;
}

expected apply_database_url(config& c, std::string_view v) {
  if (!(v.starts_with("sqlite://") && v.size() > 9) && !v.starts_with("postgresql://") &&
      !v.starts_with("postgres://"))
    return "expected sqlite://PATH or postgresql://..., " + quoted(v);
  c.database_url = std::string(v);
  return std::nullopt;
}

expected apply_jwks_url(config& c, std::string_view v) {
  if ((!v.starts_with("http://") || v.size() <= 7) && (!v.starts_with("https://") || v.size() <= 8))
    return "expected http(s)://host[:port]/path, " + quoted(v);
  c.jwt_jwks_url = std::string(v);
  return std::nullopt;
}

expected apply_redis_url(config& c, std::string_view v) {
  if (!v.starts_with("redis://") && !v.starts_with("rediss://"))
    return "expected redis://[user:password@]host[:port][/db], " + quoted(v);
  c.redis_url = std::string(v);
  return std::nullopt;
}

expected apply_origins(config& c, std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    auto comma = v.find(',');
    auto item = v.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item != "*" && !item.starts_with("http://") && !item.starts_with("https://"))
      return "expected * or comma-separated origins like https://app.example.com, " + quoted(v);
    while (item.size() > 1 && item.back() == '/') item.remove_suffix(1);
    out.emplace_back(item);
    v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
  }
  if (out.empty()) return "expected * or a comma-separated list of origins, " + quoted(v);
  c.allowed_origins = std::move(out);
  return std::nullopt;
}

/// A parser for an "N/<duration>" field pair (RATE_LIMIT, CONNECT_RATE_LIMIT).
auto per_window(int config::*count, std::chrono::milliseconds config::*window,
                std::string_view example) {
  return [=](config& c, std::string_view v) -> expected {
    auto slash = v.find('/');
    auto n = slash == std::string_view::npos ? std::nullopt
                                             : to_int<int>(v.substr(0, slash), 0, 1'000'000);
    auto w = n ? parse_duration(v.substr(slash + 1)) : std::nullopt;
    if (!n || !w) return "expected N/<duration> like " + std::string(example) + ", " + quoted(v);
    c.*count = *n;
    c.*window = *w;
    return std::nullopt;
  };
}

expected apply_log_level(config& c, std::string_view v) {
  auto l = parse_log_level(v);
  if (!l) return "expected trace, debug, info, warn, error or off, " + quoted(v);
  c.log.level = *l;
  return std::nullopt;
}

expected apply_log_format(config& c, std::string_view v) {
  auto f = parse_log_format(v);
  if (!f) return "expected text or json, " + quoted(v);
  c.log.format = *f;
  return std::nullopt;
}

/// A parser for a boolean field: 1/true/yes or 0/false/no.
auto boolean(bool config::*field) {
  return [=](config& c, std::string_view v) -> expected {
    if (v == "1" || v == "true" || v == "yes")
      c.*field = true;
    else if (v == "0" || v == "false" || v == "no")
      c.*field = false;
    else
      return "expected true or false, " + quoted(v);
    return std::nullopt;
  };
}

constexpr auto size_max = std::size_t{1} << 31;

}  // namespace

const std::vector<setting>& settings() {
  static const std::vector<setting> table{
      {"HTTP_PORT", "--http-port", "4000", "REST API, /health, /ready, /metrics port",
       integer<std::uint16_t>(&config::http_port, 1, 65535)},
      {"WS_PORT", "--ws-port", "4001", "Socket.IO port (path /socket.io/); may equal HTTP_PORT",
       integer<std::uint16_t>(&config::ws_port, 1, 65535)},
      {"HOST", "--host", "0.0.0.0", "bind address", apply_host},
      {"DATABASE_URL", "--database-url", "sqlite://./chatgate.db",
       "sqlite://PATH (embedded) or postgresql://... (shared)", apply_database_url},
      {"REDIS_URL", "--redis-url", "",
       "unset: single instance; set: Redis connection map + adapter shared by instances",
       apply_redis_url},
      {"JWT_SECRET", "--jwt-secret", "", "HS256 secret", text(&config::jwt_secret)},
      {"JWT_PUBLIC_KEY", "--jwt-public-key", "", "PEM or path to PEM for RS256/ES256 tokens",
       text(&config::jwt_public_key)},
      {"JWT_JWKS_URL", "--jwt-jwks-url", "",
       "http(s) URL of a JWKS document: RS256/ES256 keys chosen by kid", apply_jwks_url},
      {"JWT_JWKS_MIN_REFRESH_MS", "--jwt-jwks-min-refresh-ms", "30000",
       "shortest time between two JWKS fetches (unknown kid, max-age)",
       millis(&config::jwks_min_refresh)},
      {"JWT_ISSUER", "--jwt-issuer", "", "required iss claim when set", text(&config::jwt_issuer)},
      {"JWT_AUDIENCE", "--jwt-audience", "", "required aud claim when set",
       text(&config::jwt_audience)},
      {"ALLOWED_ORIGINS", "--allowed-origins", "*", "comma-separated CORS origins", apply_origins},
      {"RATE_LIMIT", "--rate-limit", "30/10s", "messages per user per window (0/1s: off)",
       per_window(&config::rate_limit, &config::rate_window, "30/10s")},
      {"MAX_CONNECTIONS_PER_USER", "--max-connections-per-user", "10", "sockets one user may hold",
       integer<int>(&config::max_connections_per_user, 1, 1'000'000)},
      {"PING_INTERVAL_MS", "--ping-interval-ms", "25000", "Engine.IO ping interval",
       millis(&config::ping_interval)},
      {"PING_TIMEOUT_MS", "--ping-timeout-ms", "60000", "Engine.IO ping timeout",
       millis(&config::ping_timeout)},
      {"MAX_PAYLOAD_BYTES", "--max-payload-bytes", "1000000",
       "largest Engine.IO payload (maxHttpBufferSize)",
       integer<std::size_t>(&config::max_payload_bytes, 1, size_max)},
      {"CONNECT_TIMEOUT_MS", "--connect-timeout-ms", "45000",
       "time a client has to connect to a namespace", millis(&config::connect_timeout)},
      {"RECOVERY_WINDOW_MS", "--recovery-window-ms", "0",
       "connection state recovery: a client that reconnects within this time gets its missed "
       "message events (0: off, no pid sent)",
       millis_or_off(&config::recovery_window)},
      {"MAX_GROUP_SIZE", "--max-group-size", "1000", "participants of a group",
       integer<std::size_t>(&config::max_group_size, 2, 1'000'000)},
      {"STORE_TIMEOUT_MS", "--store-timeout-ms", "5000",
       "longest a store call may wait for a store worker; then INTERNAL_ERROR, nothing stored",
       millis(&config::store_timeout)},
      {"STORE_CONNECTIONS", "--store-connections", "4",
       "store worker threads, one connection each: PostgreSQL pool / SQLite readers",
       integer<std::size_t>(&config::store_connections, 1, 64)},
      {"IO_THREADS", "--io-threads", "",
       "io threads in the process (unset: one per core); each connection lives on one (REST "
       "runs on the first)",
       integer<std::size_t>(&config::io_threads, 1, 64)},
      {"STORE_GROUP_COMMIT", "--store-group-commit", "256",
       "writes waiting together at a store worker commit in one transaction, at most this many "
       "(1: off); their acks leave after that commit",
       integer<std::size_t>(&config::store_group_commit, 1, 10'000)},
      {"MAX_BODY_BYTES", "--max-body-bytes", "1048576", "largest REST request body (413 above)",
       integer<std::size_t>(&config::max_body_bytes, 1, size_max)},
      {"CONNECT_RATE_LIMIT", "--connect-rate-limit", "20/1s",
       "Socket.IO handshakes per client IP per window, 429 past it (0/1s: off)",
       per_window(&config::connect_rate_limit, &config::connect_rate_window, "20/1s")},
      {"MAX_UNAUTHENTICATED_SESSIONS", "--max-unauthenticated-sessions", "1000",
       "Engine.IO sessions not yet authenticated at once, 503 past it (0: no cap)",
       integer<std::size_t>(&config::max_unauthenticated_sessions, 0, 10'000'000)},
      {"HEADER_TIMEOUT_MS", "--header-timeout-ms", "10000",
       "time an HTTP request line and headers have to arrive", millis(&config::header_timeout)},
      {"WS_HANDSHAKE_TIMEOUT_MS", "--ws-handshake-timeout-ms", "30000",
       "time a websocket opening or closing handshake may take",
       millis(&config::ws_handshake_timeout)},
      {"MAX_HEADER_BYTES", "--max-header-bytes", "16384",
       "largest HTTP request line + headers (the connection is closed above)",
       integer<std::size_t>(&config::max_header_bytes, 1024, 1024 * 1024)},
      {"HTTP_IDLE_TIMEOUT_MS", "--http-idle-timeout-ms", "30000",
       "an HTTP connection without a complete request this long is closed",
       millis(&config::http_idle_timeout)},
      {"HTTP_WRITE_TIMEOUT_MS", "--http-write-timeout-ms", "30000",
       "writing one HTTP response may take this long", millis(&config::http_write_timeout)},
      {"LISTEN_BACKLOG", "--listen-backlog", "511", "connections the kernel queues before accept",
       integer<int>(&config::listen_backlog, 1, 65535)},
      {"DRAIN_TIMEOUT_MS", "--drain-timeout-ms", "10000",
       "on SIGTERM/SIGINT, how long in-flight requests may finish (a second signal: at once)",
       millis(&config::drain_timeout)},
      {"UPGRADE_TIMEOUT_MS", "--upgrade-timeout-ms", "10000",
       "a websocket probe that does not finish the upgrade from polling this long is closed",
       millis(&config::upgrade_timeout)},
      {"CLOSE_TIMEOUT_MS", "--close-timeout-ms", "30000",
       "a closing session waits this long for its last packets to leave, then is dropped",
       millis(&config::close_timeout)},
      {"MAX_QUEUED_BYTES", "--max-queued-bytes", "1048576",
       "unsent bytes one session may hold; past it the session closes as a slow client",
       integer<std::size_t>(&config::max_queued_bytes, 1024, 1'073'741'824)},
      {"ACK_TIMEOUT_MS", "--ack-timeout-ms", "30000",
       "how long the server waits for a client's ack to an event it sent with one",
       millis(&config::ack_timeout)},
      {"MAX_PENDING_ACKS", "--max-pending-acks", "1024",
       "server-to-client acks one socket may await at once; past it the emit fails at once",
       integer<std::size_t>(&config::max_pending_acks, 1, 1'000'000)},
      {"MAX_ATTACHMENTS", "--max-attachments", "10",
       "binary attachments one received Socket.IO packet may announce; past it the session closes",
       integer<std::size_t>(&config::max_attachments, 0, 10'000)},
      {"LOG_LEVEL", "--log-level", "info", "trace, debug, info, warn, error, off", apply_log_level},
      {"LOG_FORMAT", "--log-format", "text", "text, or json for one object a line",
       apply_log_format},
      {"CHATGATE_DEV", "--dev", "false", "development mode: a random JWT secret when none is set",
       boolean(&config::dev)},
      {"WEB_UI", "--no-web", "true", "serve the web client at / on HTTP_PORT (--no-web: off)",
       boolean(&config::web_ui)},
      {"IO_URING", "--no-io-uring", "true",
       "write each flush pass's websocket frames to all its sockets in one io_uring submission "
       "(--no-io-uring, or where io_uring is unavailable: one sendmsg per socket)",
       boolean(&config::io_uring)},
  };
  return table;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  auto n = to_int<long long>(s.substr(0, digits), 1, 1'000'000'000);
  if (!n) return std::nullopt;
  auto unit = s.substr(digits);
  long long ms_per = unit == "ms"                  ? 1
                     : unit == "s" || unit.empty() ? 1000
                     : unit == "m"                 ? 60'000
                     : unit == "h"                 ? 3'600'000
                     : unit == "d"                 ? 86'400'000
                                                   : 0;
  if (ms_per == 0 || *n > std::numeric_limits<long long>::max() / ms_per) return std::nullopt;
  return std::chrono::milliseconds(*n * ms_per);
}

}  // namespace chatgate::core
