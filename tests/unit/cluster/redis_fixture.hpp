#pragma once
// Helpers for the tests that need a real Redis (CTest label `redis`): CHATGATE_TEST_REDIS_URL
// (scripts/test.sh starts a throwaway server with scripts/redis.sh and sets it); skipped unset.
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "cluster/redis/redis_connection.hpp"
#include "cluster/redis/redis_url.hpp"

namespace chatgate::cluster::redis::testing {

inline std::string redis_test_url() {
  const char* url = std::getenv("CHATGATE_TEST_REDIS_URL");
  return url ? url : "";
}

class redis_fixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto url = redis_test_url();
    if (url.empty()) GTEST_SKIP() << "CHATGATE_TEST_REDIS_URL is not set";
    auto ep = parse_redis_url(url);
    ASSERT_TRUE(ep) << ep.error();
    endpoint_ = *ep;
  }

  /// Runs the io_context until `done()` holds or `limit` passes; returns done().
  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < end) {
      ioc_.restart();
      ioc_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  std::shared_ptr<redis_connection> connect(std::string name,
                                            redis_connection_settings s = fast()) {
    auto c = redis_connection::create(ioc_.get_executor(), endpoint_, std::move(name), s);
    c->start();
    EXPECT_TRUE(run_until([&] { return c->connected(); }));
    return c;
  }

  /// A command's reply, waiting for it.
  redis_reply call(redis_connection& c, std::vector<std::string> argv) {
    std::optional<redis_reply> got;
    c.command(std::move(argv), [&](redis_reply r) { got = std::move(r); });
    EXPECT_TRUE(run_until([&] { return got.has_value(); }));
    return got.value_or(redis_reply{});
  }

  static redis_connection_settings fast() {
    redis_connection_settings s;
    s.backoff_min = std::chrono::milliseconds(20);
    s.backoff_max = std::chrono::milliseconds(200);
    return s;
  }

  boost::asio::io_context ioc_;
  redis_endpoint endpoint_;
};

}  // namespace chatgate::cluster::redis::testing
