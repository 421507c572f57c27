#pragma once
#include <string_view>

#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "http/handler.hpp"

namespace chatgate::rest {

/// What an endpoint answers on success: a status and a JSON body (null: no body, e.g. 204).
struct reply {
  int status = 200;
  boost::json::value body;
};

/// HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
bool wants_keep_alive(const http::request_header& req);
/// A JSON response (`application/json; charset=utf-8`) for `req`'s HTTP version and keep-alive.
http::response json_response(const http::request_header& req, int status,
                             const boost::json::value& body);
/// The contract's error body {statusCode, code, message, details?, retryAfterMs?}; 429 also gets
/// Retry-After in whole seconds. `status` 0: the code's own status.
http::response error_response(const http::request_header& req, const core::error& e,
                              int status = 0);
/// An empty response (204 and the like).
http::response empty_response(const http::request_header& req, int status);

}  // namespace chatgate::rest
