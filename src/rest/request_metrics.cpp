#include "rest/request_metrics.hpp"

#include <algorithm>

#include <boost/beast/http/verb.hpp>

namespace chatgate::rest {

namespace {
constexpr std::string_view requests_name = "chatgate_http_requests_total";
constexpr std::string_view requests_help = "HTTP requests by method, route and status";
}  // namespace

request_metrics::request_metrics(core::metrics& metrics) : metrics_(metrics) {}

std::size_t request_metrics::add_route(std::string name) {
  auto& r = routes_.emplace_back();
  r.name = std::move(name);
  r.latency = metrics_.histogram_for("chatgate_http_request_duration_seconds",
                                     "HTTP request latency", {{"route", r.name}});
  return routes_.size() - 1;
}

core::metrics::counter request_metrics::resolve(route_slots& r, std::size_t method,
                                                unsigned status) {
  const std::string method_label = method < methods.size()
                                       ? std::string(boost::beast::http::to_string(methods[method]))
                                       : "other";
  return metrics_.counter_for(
      requests_name, requests_help,
      {{"method", method_label}, {"route", r.name}, {"status", std::to_string(status)}});
}

void request_metrics::record(std::size_t route, boost::beast::http::verb method, unsigned status,
                             double seconds) {
  auto& r = routes_[route];
  r.latency.observe(seconds);
  const auto m =
      static_cast<std::size_t>(std::find(methods.begin(), methods.end(), method) - methods.begin());
  const auto s = static_cast<std::size_t>(std::find(statuses.begin(), statuses.end(), status) -
                                          statuses.begin());
  if (s == statuses.size()) return resolve(r, m, status).add();  // rare status: slow path
  auto& slot = r.counters[m][s];
  auto counter = slot.load(std::memory_order_acquire);
  if (!counter) {
    counter = resolve(r, m, status);  // two threads may both resolve: the same series
    slot.store(counter, std::memory_order_release);
  }
  counter.add();
}

}  // namespace chatgate::rest
