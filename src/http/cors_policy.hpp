#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"

namespace chatgate::http {

/// The one CORS policy of chatgate (REST and Engine.IO), from ALLOWED_ORIGINS, as Nest's
/// enableCors({origin, credentials: true}) and the `cors` package under engine.io answer: an
/// allowed Origin is echoed back (never "*", which browsers refuse with credentials), with
/// Vary: Origin; other origins get no CORS headers and the browser blocks the response.
class cors_policy {
 public:
  /// `origins`: "*" for any, else exact origins like "https://app.example.com".
  explicit cors_policy(std::vector<std::string> origins);

  /// Whether a request with this Origin may read the answer (an empty origin: no).
  bool allows(std::string_view origin) const;
  /// Adds the CORS headers of a normal response.
  void decorate(const request_header& req, response& res) const;
  /// The same, for a request that carried `origin` ("" when none).
  void decorate(std::string_view origin, response& res) const;
  /// The 204 answer to a preflight OPTIONS request.
  response preflight(const request_header& req) const;

 private:
  std::vector<std::string> origins_;
  bool any_ = false;
};

}  // namespace chatgate::http
