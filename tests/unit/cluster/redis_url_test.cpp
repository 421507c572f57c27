#include "cluster/redis/redis_url.hpp"

#include <gtest/gtest.h>

namespace chatgate::cluster::redis {
namespace {

TEST(redis_url, host_port_db_user_password) {
  auto ep = parse_redis_url("redis://us%40r:p%3Ass@redis.local:6380/3");
  ASSERT_TRUE(ep) << ep.error();
  EXPECT_EQ(ep->host, "redis.local");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->user, "us@r");
  EXPECT_EQ(ep->password, "p:ss");
  EXPECT_EQ(ep->db, 3);
}

TEST(redis_url, defaults_and_password_only) {
  auto ep = parse_redis_url("redis://:secret@127.0.0.1");
  ASSERT_TRUE(ep) << ep.error();
  EXPECT_EQ(ep->port, 6379);
  EXPECT_EQ(ep->user, "");
  EXPECT_EQ(ep->password, "secret");
  EXPECT_EQ(ep->db, 0);
  auto v6 = parse_redis_url("redis://[::1]:7000");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 7000);
}

TEST(redis_url, refuses_what_it_cannot_use) {
  for (auto bad : {"rediss://h", "http://h", "redis://", "redis://h:0", "redis://h:70000",
                   "redis://h:x", "redis://h/x", "redis://%zz@h", "redis://[::1"}) {
    EXPECT_FALSE(parse_redis_url(bad)) << bad;
  }
}

}  // namespace
}  // namespace chatgate::cluster::redis
