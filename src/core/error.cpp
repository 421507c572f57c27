#include "core/error.hpp"

#include <array>
#include <stdexcept>

#include <boost/assert/source_location.hpp>

#include "core/result.hpp"

namespace chatgate::core {

namespace {

struct code_info {
  std::string_view name;  // as clients see it
  int http_status;
};

/// One row per error_code, in the enum's order (checked by tests/unit/core/error_test.cpp).
constexpr std::array<code_info, 9> codes{{
    {"UNAUTHORIZED", 401},
    {"FORBIDDEN", 403},
    {"NOT_FOUND", 404},
    {"VALIDATION_ERROR", 400},
    {"RATE_LIMITED", 429},
    {"INTERNAL_ERROR", 500},
    {"CONNECTION_ERROR", 500},
    {"SERVICE_UNAVAILABLE", 503},
    {"TOKEN_EXPIRED", 401},
}};
static_assert(static_cast<std::size_t>(error_code::token_expired) + 1 == codes.size());

/// A value outside the enum (a cast gone wrong) reads as an internal error.
const code_info& info(error_code code) noexcept {
  const auto i = static_cast<std::size_t>(code);
  return i < codes.size() ? codes[i] : codes[static_cast<std::size_t>(error_code::internal_error)];
}

}  // namespace

std::string_view to_string(error_code code) noexcept {
  return info(code).name;
}

int http_status(error_code code) noexcept {
  return info(code).http_status;
}

error make_error(error_code code, std::string message) {
  return error{code, std::move(message), {}, 0};
}

error validation_error(std::string field, std::string message) {
  error e{error_code::validation_error, field + ": " + message, {}, 0};
  e.details.push_back({std::move(field), std::move(message)});
  return e;
}

[[noreturn]] void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw std::runtime_error(std::string(to_string(e.code)) + ": " + e.message);
}

}  // namespace chatgate::core
