#include "http/cors_policy.hpp"

#include <algorithm>

#include <boost/beast/http/field.hpp>

namespace chatgate::http {

namespace bhttp = boost::beast::http;

cors_policy::cors_policy(std::vector<std::string> origins) : origins_(std::move(origins)) {
  any_ = std::find(origins_.begin(), origins_.end(), "*") != origins_.end();
}

bool cors_policy::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  return any_ || std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void cors_policy::decorate(const request_header& req, response& res) const {
  decorate(std::string_view(req[bhttp::field::origin]), res);
}

void cors_policy::decorate(std::string_view origin, response& res) const {
  res.set(bhttp::field::vary, "Origin");
  if (!allows(origin)) return;
  res.set(bhttp::field::access_control_allow_origin, origin);
  res.set(bhttp::field::access_control_allow_credentials, "true");
  res.set(bhttp::field::access_control_expose_headers, "Retry-After");
}

response cors_policy::preflight(const request_header& req) const {
  response res{bhttp::status::no_content, req.version()};
  decorate(req, res);
  if (allows(req[bhttp::field::origin])) {
    res.set(bhttp::field::access_control_allow_methods, "GET,HEAD,PUT,PATCH,POST,DELETE");
    auto asked = req[bhttp::field::access_control_request_headers];
    if (asked.empty())
      res.set(bhttp::field::access_control_allow_headers, "Authorization,Content-Type");
    else
      res.set(bhttp::field::access_control_allow_headers, asked);
    res.set(bhttp::field::access_control_max_age, "86400");
    if (!asked.empty()) res.insert(bhttp::field::vary, "Access-Control-Request-Headers");
  }
  res.prepare_payload();
  return res;
}

}  // namespace chatgate::http
