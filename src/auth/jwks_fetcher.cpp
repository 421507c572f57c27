#include "auth/jwks_fetcher.hpp"

#include <charconv>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

namespace chatgate::auth {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using fetched = core::result<std::pair<std::string, std::string>>;  // body, Cache-Control

namespace {

core::error fail(std::string what) {
  return core::make_error(core::error_code::service_unavailable, std::move(what));
}

}  // namespace

std::optional<long long> cache_max_age(std::string_view cc) {
  if (cc.find("no-store") != cc.npos || cc.find("no-cache") != cc.npos) return 0;
  const auto at = cc.find("max-age=");
  if (at == cc.npos) return std::nullopt;
  long long v = 0;
  const char* begin = cc.data() + at + 8;
  auto [p, ec] = std::from_chars(begin, cc.data() + cc.size(), v);
  if (ec != std::errc() || p == begin || v < 0) return std::nullopt;
  return v;
}

/// One GET in flight: resolve, connect, TLS handshake (https), write, read. Runs on the fetcher's
/// executor; `done` gets the body and Cache-Control, or an error.
struct jwks_fetcher::exchange : std::enable_shared_from_this<exchange> {
  exchange(net::any_io_executor ex, net::ssl::context& tls, const jwks_fetcher::target& t,
           std::size_t limit, std::function<void(fetched)> done)
      : resolver(ex), tcp(ex), tls_stream(ex, tls), target(t), done(std::move(done)) {
    parser.body_limit(limit);
  }

  void run(std::chrono::milliseconds timeout) {
    deadline = timeout;
    resolver.async_resolve(target.host, target.port,
                           [self = shared_from_this()](beast::error_code ec, auto results) {
                             if (ec) return self->finish(fail("resolve: " + ec.message()));
                             self->connect(results);
                           });
  }
  template <class Results>
  void connect(const Results& results) {
    auto& layer = target.tls ? beast::get_lowest_layer(tls_stream) : tcp;
    layer.expires_after(deadline);
    layer.async_connect(results, [self = shared_from_this()](beast::error_code ec, auto) {
      if (ec) return self->finish(fail("connect: " + ec.message()));
      if (!self->target.tls) return self->send(self->tcp);
      self->handshake();
    });
  }
  void handshake() {
    if (!SSL_set_tlsext_host_name(tls_stream.native_handle(), target.host.c_str()))
      return finish(fail("TLS: cannot set SNI"));
    tls_stream.set_verify_mode(net::ssl::verify_peer);
    tls_stream.set_verify_callback(net::ssl::host_name_verification(target.host));
    tls_stream.async_handshake(net::ssl::stream_base::client,
                               [self = shared_from_this()](beast::error_code ec) {
                                 if (ec) return self->finish(fail("TLS: " + ec.message()));
                                 self->send(self->tls_stream);
                               });
  }
  template <class Stream>
  void send(Stream& s) {
    req = {bhttp::verb::get, target.path, 11};
    req.set(bhttp::field::host, target.host);
    req.set(bhttp::field::accept, "application/json");
    req.set(bhttp::field::user_agent, "chatgate");
    bhttp::async_write(s, req, [self = shared_from_this(), &s](beast::error_code ec, std::size_t) {
      if (ec) return self->finish(fail("write: " + ec.message()));
      bhttp::async_read(s, self->buffer, self->parser,
                        [self](beast::error_code rec, std::size_t) { self->on_read(rec); });
    });
  }
  void on_read(beast::error_code ec) {
    if (ec) return finish(fail("read: " + ec.message()));
    auto& res = parser.get();
    if (res.result() != bhttp::status::ok)
      return finish(fail("HTTP " + std::to_string(res.result_int())));
    finish(std::pair{std::move(res.body()), std::string(res[bhttp::field::cache_control])});
  }
  void finish(fetched r) {
    beast::error_code ignored;
    tcp.socket().close(ignored);
    beast::get_lowest_layer(tls_stream).socket().close(ignored);
    if (auto d = std::move(done)) d(std::move(r));
  }
  void cancel() {
    done = nullptr;
    resolver.cancel();
    beast::error_code ignored;
    tcp.socket().close(ignored);
    beast::get_lowest_layer(tls_stream).socket().close(ignored);
  }

  net::ip::tcp::resolver resolver;
  beast::tcp_stream tcp;
  beast::ssl_stream<beast::tcp_stream> tls_stream;
  jwks_fetcher::target target;
  std::function<void(fetched)> done;
  std::chrono::milliseconds deadline{};
  beast::flat_buffer buffer;
  bhttp::request<bhttp::empty_body> req;
  bhttp::response_parser<bhttp::string_body> parser;
};

core::result<std::shared_ptr<jwks_fetcher>> jwks_fetcher::create(net::any_io_executor ex,
                                                                 jwks_fetch_settings s,
                                                                 std::shared_ptr<jwks_keys> keys) {
  auto url = boost::urls::parse_absolute_uri(s.url);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty())
    return core::make_error(
        core::error_code::internal_error,
        "JWT_JWKS_URL: expected http(s)://host[:port]/path, got \"" + s.url + "\"");
  target t;
  t.tls = url->scheme() == "https";
  t.host = url->host();
  t.port = url->has_port() ? std::string(url->port()) : (t.tls ? "443" : "80");
  t.path = url->encoded_resource().empty() ? "/" : std::string(url->encoded_resource());
  if (t.path.front() != '/') t.path.insert(0, "/");
  return std::shared_ptr<jwks_fetcher>(
      new jwks_fetcher(std::move(ex), std::move(s), std::move(keys), std::move(t)));
}

jwks_fetcher::jwks_fetcher(net::any_io_executor ex, jwks_fetch_settings s,
                           std::shared_ptr<jwks_keys> keys, target t)
    : ex_(ex), settings_(std::move(s)), keys_(std::move(keys)), target_(std::move(t)), timer_(ex) {
  boost::system::error_code ec;
  tls_.set_default_verify_paths(ec);
  if (ec) spdlog::warn("jwks: no system CA store: {}", ec.message());
}

jwks_fetcher::~jwks_fetcher() {
  keys_->on_unknown_kid(nullptr);
}

void jwks_fetcher::start() {
  // Called from any thread by verifiers: hop to our executor; a gone fetcher does nothing.
  keys_->on_unknown_kid([weak = weak_from_this(), ex = ex_] {
    net::post(ex, [weak] {
      if (auto self = weak.lock()) self->on_unknown_kid();
    });
  });
  fetch();
}

void jwks_fetcher::stop() {
  stopped_ = true;
  keys_->on_unknown_kid(nullptr);
  timer_.cancel();
  if (in_flight_) in_flight_->cancel();
  in_flight_.reset();
}

void jwks_fetcher::on_unknown_kid() {
  if (stopped_ || in_flight_) return;
  if (std::chrono::steady_clock::now() - last_start_ < settings_.min_refresh) return;
  timer_.cancel();
  fetch();
}

void jwks_fetcher::fetch() {
  if (stopped_) return;
  last_start_ = std::chrono::steady_clock::now();
  ++fetches_;
  in_flight_ = std::make_shared<exchange>(ex_, tls_, target_, settings_.max_document_bytes,
                                          [weak = weak_from_this()](fetched r) {
                                            if (auto self = weak.lock())
                                              self->on_fetched(std::move(r));
                                          });
  in_flight_->run(settings_.timeout);
}

void jwks_fetcher::on_fetched(fetched r) {
  in_flight_.reset();
  core::result<jwks_document> doc =
      r ? parse_jwks(r->first) : core::result<jwks_document>(r.error());
  if (!doc || doc->keys.empty()) {
    ++failures_;
    last_error_ = !doc ? doc.error().message : "no usable key in the document";
    spdlog::warn("jwks: {}: {}; keeping {} keys, retrying in {} ms", settings_.url, last_error_,
                 keys_->size(), retry_.count());
    schedule(retry_);
    retry_ = std::min(retry_ * 2, settings_.max_retry);
    return;
  }
  for (const auto& why : doc->skipped) spdlog::warn("jwks: {}: skipped {}", settings_.url, why);
  keys_->replace(doc->keys);
  last_error_.clear();
  retry_ = std::chrono::milliseconds(1000);
  auto next = settings_.default_refresh;
  if (auto age = cache_max_age(r->second)) next = std::chrono::seconds(*age);
  next = std::clamp(next, settings_.min_refresh, std::chrono::milliseconds(24 * 3600 * 1000));
  spdlog::info("jwks: {}: {} keys loaded, next refresh in {} s", settings_.url, doc->keys.size(),
               next.count() / 1000);
  schedule(next);
}

void jwks_fetcher::schedule(std::chrono::milliseconds after) {
  if (stopped_) return;
  timer_.expires_after(after);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->in_flight_) return;
    self->fetch();
  });
}

}  // namespace chatgate::auth
