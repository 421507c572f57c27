#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace chatgate::core {

/// The seed's error codes (seed "Error Codes Reference", contract §5).
enum class error_code {
  unauthorized,         // 401
  forbidden,            // 403
  not_found,            // 404
  validation_error,     // 400 (413 when the body is over the size limit)
  rate_limited,         // 429
  internal_error,       // 500
  connection_error,     // 500, socket connect refused (e.g. too many connections)
  service_unavailable,  // 503, /ready
  token_expired,        // 401, a live socket's token reached its `exp` (contract §9)
};

/// "UNAUTHORIZED", "FORBIDDEN", ... as clients see them.
std::string_view to_string(error_code code) noexcept;
/// HTTP status the contract pairs with the code.
int http_status(error_code code) noexcept;

struct field_error {
  std::string field;
  std::string message;
};

/// An expected failure, carried as a value (style: errors are values).
struct error {
  error_code code = error_code::internal_error;
  std::string message;
  std::vector<field_error> details;  // validation errors only
  long long retry_after_ms = 0;      // rate_limited only
};

error make_error(error_code code, std::string message);
error validation_error(std::string field, std::string message);

}  // namespace chatgate::core
