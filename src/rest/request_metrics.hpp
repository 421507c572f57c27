#pragma once
#include <array>
#include <atomic>
#include <cstddef>
#include <deque>
#include <string>

#include <boost/beast/http/verb.hpp>

#include "core/metrics.hpp"

namespace chatgate::rest {

/// chatgate_http_requests_total{method,route,status} and chatgate_http_request_duration_seconds
/// {route}, resolved ahead: a route's histogram when the route is added, each (route, method,
/// status) counter the first time it occurs. Recording is then two array indexes and relaxed
/// atomic adds: no label strings, no map lookup, safe from several threads. Methods other than
/// the usual seven are counted as "other", statuses outside the table by the registry's slow path.
class request_metrics {
 public:
  explicit request_metrics(core::metrics& metrics);

  /// A route label (e.g. "/api/v1/conversations/:param"); returns the id record() takes. Call
  /// before requests arrive (not thread-safe against record()).
  std::size_t add_route(std::string name);
  const std::string& route_name(std::size_t route) const { return routes_[route].name; }

  void record(std::size_t route, boost::beast::http::verb method, unsigned status, double seconds);

 private:
  static constexpr std::array<boost::beast::http::verb, 7> methods{
      boost::beast::http::verb::get,    boost::beast::http::verb::head,
      boost::beast::http::verb::post,   boost::beast::http::verb::put,
      boost::beast::http::verb::patch,  boost::beast::http::verb::delete_,
      boost::beast::http::verb::options};
  static constexpr std::array<unsigned, 13> statuses{200, 201, 204, 400, 401, 403, 404,
                                                     405, 413, 429, 500, 503, 101};
  static constexpr std::size_t method_slots = methods.size() + 1;  // + "other"

  struct route_slots {
    std::string name;
    core::metrics::histogram latency;
    // [method][status]; null until first used. Set under the registry's lock, read lock-free.
    std::array<std::array<std::atomic<core::metrics::counter>, statuses.size()>, method_slots>
        counters{};
  };

  core::metrics::counter resolve(route_slots& r, std::size_t method, unsigned status);

  core::metrics& metrics_;
  std::deque<route_slots> routes_;  // deque: slots never move (atomics)
};

}  // namespace chatgate::rest
