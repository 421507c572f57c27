#include "core/error.hpp"

namespace chatgate::core {

std::string_view to_string(error_code code) noexcept {
  switch (code) {
    case error_code::unauthorized:
      return "UNAUTHORIZED";
    case error_code::forbidden:
      return "FORBIDDEN";
    case error_code::not_found:
      return "NOT_FOUND";
    case error_code::validation_error:
      return "VALIDATION_ERROR";
    case error_code::rate_limited:
      return "RATE_LIMITED";
    case error_code::internal_error:
      return "INTERNAL_ERROR";
    case error_code::connection_error:
      return "CONNECTION_ERROR";
    case error_code::service_unavailable:
      return "SERVICE_UNAVAILABLE";
  }
  return "INTERNAL_ERROR";
}

int http_status(error_code code) noexcept {
  switch (code) {
    case error_code::unauthorized:
      return 401;
    case error_code::forbidden:
      return 403;
    case error_code::not_found:
      return 404;
    case error_code::validation_error:
      return 400;
    case error_code::rate_limited:
      return 429;
    case error_code::internal_error:
      return 500;
    case error_code::connection_error:
      return 500;
    case error_code::service_unavailable:
      return 503;
  }
  return 500;
}

error make_error(error_code code, std::string message) {
  return error{code, std::move(message), {}, 0};
}

error validation_error(std::string field, std::string message) {
  error e{error_code::validation_error, field + ": " + message, {}, 0};
  e.details.push_back({std::move(field), std::move(message)});
  return e;
}

}  // namespace chatgate::core

#include <boost/assert/source_location.hpp>
#include <stdexcept>

namespace chatgate::core {
[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(e.code)) + ": " + e.message);
}
}  // namespace chatgate::core
