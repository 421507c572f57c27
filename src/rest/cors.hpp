#pragma once
#include <string>
#include <vector>

#include "http/handler.hpp"

namespace chatgate::rest {

/// CORS for the REST API from ALLOWED_ORIGINS, as Nest's enableCors({origin, credentials: true})
/// answers: an allowed Origin is echoed back (never "*", which browsers refuse with credentials),
/// with Vary: Origin; other origins get no CORS headers and the browser blocks the response.
class cors_policy {
 public:
  /// `origins`: "*" for any, else exact origins like "https://app.example.com".
  explicit cors_policy(std::vector<std::string> origins);

  bool allows(std::string_view origin) const;
  /// Adds the CORS headers of a normal response.
  void decorate(const http::request_header& req, http::response& res) const;
  /// The 204 answer to a preflight OPTIONS request.
  http::response preflight(const http::request_header& req) const;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace chatgate::rest
