#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/logging.hpp"

namespace chatgate::core {

/// Every setting of chatgate (contract §1), with its default. Filled once at start from the
/// environment, then `--flags`, and handed to the parts that need it. The table in config.cpp
/// (settings()) declares each field's variable, flag, default and parser in one place.
struct config {
  std::string host = "0.0.0.0";                         // HOST: bind address
  std::uint16_t http_port = 4000;                       // HTTP_PORT: REST, /health, /metrics
  std::uint16_t ws_port = 4001;                         // WS_PORT: /socket.io/ (may = HTTP_PORT)
  std::string database_url = "sqlite://./chatgate.db";  // DATABASE_URL: sqlite:// or postgresql://
  std::string redis_url;                                // REDIS_URL: empty = single instance
  std::string jwt_secret;                               // JWT_SECRET: HS256 secret
  std::string jwt_public_key;                           // JWT_PUBLIC_KEY: PEM or path to PEM
  std::string jwt_jwks_url;                             // JWT_JWKS_URL: keys by kid, http(s)
  std::chrono::milliseconds jwks_min_refresh{30'000};   // JWT_JWKS_MIN_REFRESH_MS
  std::string jwt_issuer;                               // JWT_ISSUER: required `iss` if set
  std::string jwt_audience;                             // JWT_AUDIENCE: required `aud` if set
  std::vector<std::string> allowed_origins{"*"};        // ALLOWED_ORIGINS: CORS, comma-separated
  int rate_limit = 30;                                  // RATE_LIMIT "30/10s": messages ...
  std::chrono::milliseconds rate_window{10'000};        // ... per this window, per user
  int max_connections_per_user = 10;                    // MAX_CONNECTIONS_PER_USER
  std::chrono::milliseconds ping_interval{25'000};      // PING_INTERVAL_MS: Engine.IO heartbeat
  std::chrono::milliseconds ping_timeout{60'000};       // PING_TIMEOUT_MS
  std::size_t max_payload_bytes = 1'000'000;            // MAX_PAYLOAD_BYTES: Engine.IO payload
  std::chrono::milliseconds connect_timeout{45'000};    // CONNECT_TIMEOUT_MS: Socket.IO connect
  std::size_t max_group_size = 1000;                    // MAX_GROUP_SIZE: group participants
  std::chrono::milliseconds recovery_window{0};         // RECOVERY_WINDOW_MS: 0 = off
  std::chrono::milliseconds store_timeout{5'000};       // STORE_TIMEOUT_MS: longest wait for a
                                                        // store worker before INTERNAL_ERROR
  std::size_t store_connections = 4;                    // STORE_CONNECTIONS: PostgreSQL: pool
                                                        // size; SQLite: reader connections
  std::size_t io_threads = 0;                           // IO_THREADS: io threads (sockets
                                                        // spread over them); 0: one per core
  std::size_t store_group_commit = 256;                 // STORE_GROUP_COMMIT: writes committed
                                                        // together at most (1: off)
  std::size_t max_body_bytes = 1024 * 1024;             // MAX_BODY_BYTES: REST request body
  int connect_rate_limit = 20;                          // CONNECT_RATE_LIMIT "20/1s": handshakes
  std::chrono::milliseconds connect_rate_window{1000};  // ... per this window, per client IP
  std::size_t max_unauthenticated_sessions = 1000;      // MAX_UNAUTHENTICATED_SESSIONS (0: off)
  std::chrono::milliseconds header_timeout{10'000};     // HEADER_TIMEOUT_MS: HTTP header block
  std::chrono::milliseconds ws_handshake_timeout{30'000};  // WS_HANDSHAKE_TIMEOUT_MS: upgrade
  std::size_t max_header_bytes = 16 * 1024;                // MAX_HEADER_BYTES: request line+headers
  std::chrono::milliseconds http_idle_timeout{30'000};     // HTTP_IDLE_TIMEOUT_MS: no request
  std::chrono::milliseconds http_write_timeout{30'000};    // HTTP_WRITE_TIMEOUT_MS: one response
  int listen_backlog = 511;                                // LISTEN_BACKLOG: kernel accept queue
  std::chrono::milliseconds drain_timeout{10'000};         // DRAIN_TIMEOUT_MS: graceful stop limit
  std::chrono::milliseconds upgrade_timeout{10'000};       // UPGRADE_TIMEOUT_MS: websocket probe
  std::chrono::milliseconds close_timeout{30'000};         // CLOSE_TIMEOUT_MS: a closing session
  std::size_t max_queued_bytes = 1024 * 1024;              // MAX_QUEUED_BYTES: unsent, per session
  std::chrono::milliseconds ack_timeout{30'000};           // ACK_TIMEOUT_MS: server->client acks
  std::size_t max_pending_acks = 1024;                     // MAX_PENDING_ACKS: per socket
  std::size_t max_attachments = 10;                        // MAX_ATTACHMENTS: per packet
  log_settings log;                                        // LOG_LEVEL, LOG_FORMAT
  bool dev = false;      // --dev / CHATGATE_DEV: random JWT secret when none is configured
  bool web_ui = true;    // WEB_UI / --no-web: serve the web client at / on HTTP_PORT
  bool io_uring = true;  // IO_URING / --no-io-uring: batched socket writes (send_batch)
  bool operator==(const config&) const = default;
};

/// One row of the settings table: environment variable, flag, default as text, help, parser.
struct setting {
  std::string_view env;       // e.g. "RATE_LIMIT"
  std::string_view flag;      // e.g. "--rate-limit"
  std::string_view fallback;  // the default as a user would write it
  std::string_view help;
  /// Stores `value` into the config, or returns what was expected ("expected ... like ...").
  std::function<std::optional<std::string>(config&, std::string_view value)> apply;
};

/// The table, in the order of the README's configuration table.
const std::vector<setting>& settings();

/// What the command line asked for.
enum class command { serve, token, help };

/// parse_command_line's answer. On error, `error` holds the one line to print (exit code 2).
struct cli {
  command cmd = command::serve;
  config cfg;
  std::string token_user;                // token --user
  std::chrono::seconds token_ttl{3600};  // token --ttl
  std::string help_text;                 // command::help
  std::string error;                     // non-empty: stop with this line
};

/// Reads an environment variable; nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;
/// The process environment.
std::optional<std::string> process_env(std::string_view name);

/// `chatgate [serve] [flags]` or `chatgate token --user ID [--ttl 1h] [flags]`: the environment
/// first, then flags override it; empty values count as unset. Validates every value and that a
/// JWT key is configured (or --dev) for serve.
cli parse_command_line(int argc, const char* const* argv, const env_lookup& env = process_env);

/// What `serve` must refuse although the value is well formed, because this build cannot do it
/// yet: the one line to stop with (exit code 2), or empty. Today: REDIS_URL (no Redis adapter).
std::string unsupported_setting(const config& c);

/// "250ms", "10s", "5m", "1h", "1d"; a bare number is seconds. nullopt when malformed or <= 0.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);

}  // namespace chatgate::core
