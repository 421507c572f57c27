#include "rest/reply.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_writer.hpp"

namespace chatgate::rest {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

http::response base(const http::request_header& req, int status) {
  http::response res{static_cast<bhttp::status>(status), req.version()};
  res.keep_alive(wants_keep_alive(req));
  return res;
}

}  // namespace

bool wants_keep_alive(const http::request_header& req) {
  bhttp::token_list connection{req[bhttp::field::connection]};
  if (req.version() >= 11) return !connection.exists("close");
  return connection.exists("keep-alive");
}

http::response json_response(const http::request_header& req, int status, const json::value& body) {
  auto res = base(req, status);
  res.set(bhttp::field::content_type, "application/json; charset=utf-8");
  res.body() = core::to_json(body);
  res.prepare_payload();
  return res;
}

http::response error_response(const http::request_header& req, const core::error& e, int status) {
  if (status == 0) status = core::http_status(e.code);
  json::object body;
  body["statusCode"] = status;
  body["code"] = core::to_string(e.code);
  body["message"] = e.message;
  if (!e.details.empty()) {
    json::array details;
    for (const auto& d : e.details)
      details.push_back(json::object{{"field", d.field}, {"message", d.message}});
    body["details"] = std::move(details);
  }
  if (e.code == core::error_code::rate_limited) body["retryAfterMs"] = e.retry_after_ms;
  auto res = json_response(req, status, body);
  if (e.code == core::error_code::rate_limited)
    res.set(bhttp::field::retry_after, std::to_string((e.retry_after_ms + 999) / 1000));
  return res;
}

http::response empty_response(const http::request_header& req, int status) {
  auto res = base(req, status);
  res.prepare_payload();
  return res;
}

}  // namespace chatgate::rest
