// core::error_code: the names and HTTP statuses clients see (contract §5).
#include "core/error.hpp"

#include <stdexcept>
#include <tuple>

#include <gtest/gtest.h>

#include "core/result.hpp"

namespace chatgate::core {
namespace {

TEST(error_code, names_and_http_statuses_of_every_code) {
  const std::tuple<error_code, std::string_view, int> expected[] = {
      {error_code::unauthorized, "UNAUTHORIZED", 401},
      {error_code::forbidden, "FORBIDDEN", 403},
      {error_code::not_found, "NOT_FOUND", 404},
      {error_code::validation_error, "VALIDATION_ERROR", 400},
      {error_code::rate_limited, "RATE_LIMITED", 429},
      {error_code::internal_error, "INTERNAL_ERROR", 500},
      {error_code::connection_error, "CONNECTION_ERROR", 500},
      {error_code::service_unavailable, "SERVICE_UNAVAILABLE", 503},
      {error_code::token_expired, "TOKEN_EXPIRED", 401},
  };
  for (const auto& [code, name, status] : expected) {
    EXPECT_EQ(to_string(code), name);
    EXPECT_EQ(http_status(code), status) << name;
  }
}

TEST(error_code, a_value_outside_the_enum_reads_as_internal_error) {
  const auto bogus = static_cast<error_code>(99);
  EXPECT_EQ(to_string(bogus), "INTERNAL_ERROR");
  EXPECT_EQ(http_status(bogus), 500);
}

TEST(error, validation_error_names_the_field_in_message_and_details) {
  auto e = validation_error("content", "must not be empty");
  EXPECT_EQ(e.code, error_code::validation_error);
  EXPECT_EQ(e.message, "content: must not be empty");
  ASSERT_EQ(e.details.size(), 1u);
  EXPECT_EQ(e.details[0].field, "content");
  EXPECT_EQ(e.details[0].message, "must not be empty");
}

TEST(error, value_of_a_failed_result_throws_with_the_code_name) {
  result<int> r = make_error(error_code::not_found, "Message not found");
  EXPECT_THROW(
      {
        try {
          (void)r.value();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "NOT_FOUND: Message not found");
          throw;
        }
      },
      std::runtime_error);
}

}  // namespace
}  // namespace chatgate::core
