#include "engineio/cors.hpp"

#include <algorithm>

namespace chatgate::engineio {

namespace bhttp = boost::beast::http;

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return a == "*" || a == origin; });
}

void apply_cors(http::response& res, std::string_view origin,
                const std::vector<std::string>& allowed) {
  if (origin.empty() || !origin_allowed(origin, allowed)) return;
  res.set(bhttp::field::access_control_allow_origin, origin);
  res.set(bhttp::field::access_control_allow_credentials, "true");
  res.set(bhttp::field::vary, "Origin");
}

http::response preflight_response(const http::request& req,
                                  const std::vector<std::string>& allowed) {
  http::response res{bhttp::status::no_content, req.version()};
  apply_cors(res, req[bhttp::field::origin], allowed);
  res.set(bhttp::field::access_control_allow_methods, "GET,HEAD,PUT,PATCH,POST,DELETE");
  const auto requested = req[bhttp::field::access_control_request_headers];
  if (!requested.empty()) res.set(bhttp::field::access_control_allow_headers, requested);
  res.set(bhttp::field::content_length, "0");
  return res;
}

}  // namespace chatgate::engineio
