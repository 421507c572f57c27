#include "gateway/error_filter.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "../chat/test_store.hpp"

namespace chatgate::gateway {
namespace {

namespace json = boost::json;

struct error_filter_test : ::testing::Test {
  test_support::manual_clock clock;
  error_filter filter{clock};
};

TEST_F(error_filter_test, every_code_keeps_its_name_and_message) {
  using core::error_code;
  for (auto code :
       {error_code::unauthorized, error_code::forbidden, error_code::not_found,
        error_code::validation_error, error_code::rate_limited, error_code::connection_error}) {
    auto e = core::make_error(code, "why");
    auto ev = filter.error_event(e, "message:send");
    EXPECT_EQ(ev.at("code"), json::value(core::to_string(code)));
    EXPECT_EQ(ev.at("message"), "why");
    EXPECT_EQ(ev.at("timestamp"), json::value(core::to_iso8601(clock.now())));
    EXPECT_EQ(ev.at("originalEvent"), "message:send");
    auto ack = error_filter::error_ack(e);
    EXPECT_EQ(ack.at("success"), false);
    EXPECT_EQ(ack.at("error").at("code"), json::value(core::to_string(code)));
    EXPECT_EQ(ack.at("error").at("message"), "why");
  }
}

TEST_F(error_filter_test, internal_errors_never_leak_their_message) {
  auto e = core::make_error(core::error_code::internal_error, "sqlite: disk I/O error at /var/x");
  e.details.push_back({"db", "locked"});
  auto ev = filter.error_event(e, "message:edit");
  EXPECT_EQ(ev.at("code"), "INTERNAL_ERROR");
  EXPECT_EQ(ev.at("message"), "Internal server error");
  EXPECT_FALSE(ev.contains("details"));
  EXPECT_EQ(error_filter::error_ack(e).at("error").at("message"), "Internal server error");
}

TEST_F(error_filter_test, connect_errors_have_no_original_event) {
  auto ev = filter.error_event(core::make_error(core::error_code::unauthorized, "no"), {});
  EXPECT_FALSE(ev.contains("originalEvent"));
  EXPECT_EQ(ev.size(), 3u);
}

TEST_F(error_filter_test, validation_details_ride_along) {
  auto e = core::validation_error("content", "must not be empty");
  auto ack = error_filter::error_ack(e);
  EXPECT_EQ(ack.at("error").at("details"),
            json::parse(R"([{"field":"content","message":"must not be empty"}])"));
  EXPECT_EQ(filter.error_event(e, "x").at("details"), ack.at("error").at("details"));
}

TEST_F(error_filter_test, retry_after_only_for_rate_limited) {
  auto e = core::make_error(core::error_code::rate_limited, "slow down");
  e.retry_after_ms = 1234;
  EXPECT_EQ(error_filter::error_ack(e).at("error").at("retryAfterMs"), 1234);
  EXPECT_EQ(filter.error_event(e, "message:send").at("retryAfterMs"), 1234);
  EXPECT_FALSE(error_filter::error_ack(core::make_error(core::error_code::forbidden, "f"))
                   .at("error")
                   .as_object()
                   .contains("retryAfterMs"));
}

TEST_F(error_filter_test, an_empty_message_becomes_the_code) {
  auto ev = filter.error_event(core::make_error(core::error_code::not_found, ""), "e");
  EXPECT_EQ(ev.at("message"), "NOT_FOUND");
}

}  // namespace
}  // namespace chatgate::gateway
