#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "auth/jwks_keys.hpp"
#include "core/result.hpp"

namespace chatgate::auth {

/// When a jwks_fetcher fetches (contract §9).
struct jwks_fetch_settings {
  std::string url;  // JWT_JWKS_URL: http:// or https://
  /// An unknown kid refreshes the document at most this often (contract: 30 s); also the
  /// shortest refresh a Cache-Control max-age can ask for.
  std::chrono::milliseconds min_refresh{30'000};
  /// Refresh when the document carries no max-age.
  std::chrono::milliseconds default_refresh{300'000};
  /// After a failed fetch the next try waits 1 s, doubling up to this.
  std::chrono::milliseconds max_retry{30'000};
  /// One fetch (resolve, connect, TLS, request, response) may take this long.
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_document_bytes = 1 << 20;
};

/// Fetches a JWKS document over HTTP(S) into a jwks_keys: Beast's async client on the given
/// executor (one io thread; async resolve, no thread per fetch; TLS by OpenSSL through
/// boost::asio::ssl, peer verified against the system's CA store and the host name). Fetches at
/// start(), then when the document's Cache-Control max-age (or default_refresh) runs out, and
/// when a verifier reports an unknown kid, at most once per min_refresh. A failed fetch keeps
/// the keys it had and is retried. Counters for /metrics.
class jwks_fetcher : public std::enable_shared_from_this<jwks_fetcher> {
 public:
  static core::result<std::shared_ptr<jwks_fetcher>> create(boost::asio::any_io_executor ex,
                                                            jwks_fetch_settings s,
                                                            std::shared_ptr<jwks_keys> keys);
  ~jwks_fetcher();

  void start();
  /// Cancels timers and any fetch in flight.
  void stop();

  std::uint64_t fetches() const { return fetches_; }
  std::uint64_t failures() const { return failures_; }
  const std::string& last_error() const { return last_error_; }

  struct target {
    bool tls = false;
    std::string host, port, path;
  };

 private:
  jwks_fetcher(boost::asio::any_io_executor ex, jwks_fetch_settings s,
               std::shared_ptr<jwks_keys> keys, target t);
  void fetch();
  void on_fetched(core::result<std::pair<std::string, std::string>> body_and_cache_control);
  void schedule(std::chrono::milliseconds after);
  void on_unknown_kid();

  struct exchange;
  boost::asio::any_io_executor ex_;
  jwks_fetch_settings settings_;
  std::shared_ptr<jwks_keys> keys_;
  target target_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
  boost::asio::steady_timer timer_;
  std::shared_ptr<exchange> in_flight_;
  std::chrono::steady_clock::time_point last_start_{};
  std::chrono::milliseconds retry_{1000};
  std::uint64_t fetches_ = 0;
  std::uint64_t failures_ = 0;
  std::string last_error_ = "not fetched yet";
  bool stopped_ = false;
};

/// Cache-Control max-age in seconds, if the header has one (no-store / no-cache: 0).
std::optional<long long> cache_max_age(std::string_view cache_control);

}  // namespace chatgate::auth
