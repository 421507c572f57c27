// redis_rate_limit against a real Redis (label `redis`): the GCRA of chat::rate_limiter shared by
// two "instances" (two connections): a test at the limit and one past it, refund, idle keys
// expiring, and `unavailable` (never `refused`) when Redis does not answer.
#include "cluster/redis/redis_rate_limit.hpp"

#include <unistd.h>

#include "redis_fixture.hpp"

namespace chatgate::cluster::redis {
namespace {

using namespace std::chrono_literals;
using kind = chat::shared_rate_limit::verdict::kind;

class redis_rate_limit_test : public testing::redis_fixture {
 protected:
  void SetUp() override {
    redis_fixture::SetUp();
    if (IsSkipped()) return;
    admin_ = connect("admin");
  }
  std::string unique_user() {
    return "rl-" + std::to_string(::getpid()) + "-" + std::to_string(++n_) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  redis_rate_limit make(int limit, std::chrono::milliseconds window) {
    return redis_rate_limit(connect("instance"), redis_rate_limit_settings{limit, window});
  }
  chat::shared_rate_limit::verdict consume(chat::shared_rate_limit& l, const std::string& user) {
    std::optional<chat::shared_rate_limit::verdict> got;
    l.consume(user, [&](auto v) { got = v; });
    EXPECT_FALSE(got);  // never inside the call
    EXPECT_TRUE(run_until([&] { return got.has_value(); }));
    return got.value_or(chat::shared_rate_limit::verdict{});
  }

  std::shared_ptr<redis_connection> admin_;
  int n_ = 0;
};

TEST_F(redis_rate_limit_test, two_instances_share_one_count) {
  auto a = make(4, 10s), b = make(4, 10s);
  const auto user = unique_user();
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
  EXPECT_EQ(consume(b, user).outcome, kind::allowed);
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
  EXPECT_EQ(consume(b, user).outcome, kind::allowed);  // the 4th: at the limit
  auto past = consume(a, user);                        // the 5th: one past it
  EXPECT_EQ(past.outcome, kind::refused);
  EXPECT_GT(past.retry_after_ms, 0);
  EXPECT_LE(past.retry_after_ms, 2500);  // one send every 10 s / 4
  EXPECT_EQ(consume(b, user).outcome, kind::refused);
  EXPECT_EQ(consume(a, unique_user()).outcome, kind::allowed);  // per user
  // The key lives no longer than the burst it holds.
  auto ttl = call(*admin_, {"PTTL", "ws:ratelimit:" + user});
  EXPECT_GT(ttl.integer, 0);
  EXPECT_LE(ttl.integer, 10'001);
}

TEST_F(redis_rate_limit_test, a_refund_gives_one_send_back) {
  auto a = make(2, 10s);
  const auto user = unique_user();
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
  EXPECT_EQ(consume(a, user).outcome, kind::refused);
  a.refund(user);
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
  EXPECT_EQ(consume(a, user).outcome, kind::refused);
}

TEST_F(redis_rate_limit_test, the_window_passes) {
  auto a = make(2, 300ms);
  const auto user = unique_user();
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
  auto refused = consume(a, user);
  ASSERT_EQ(refused.outcome, kind::refused);
  ::usleep(static_cast<useconds_t>(refused.retry_after_ms + 20) * 1000);
  EXPECT_EQ(consume(a, user).outcome, kind::allowed);
}

TEST_F(redis_rate_limit_test, redis_away_answers_unavailable_never_refused) {
  redis_endpoint nowhere = endpoint_;
  nowhere.port = 1;  // nothing listens there
  auto conn = redis_connection::create(ioc_.get_executor(), nowhere, "nowhere", fast());
  conn->start();
  redis_rate_limit l(conn, redis_rate_limit_settings{1, 10s});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(consume(l, "u").outcome, kind::unavailable);
  conn->stop();
}

}  // namespace
}  // namespace chatgate::cluster::redis
