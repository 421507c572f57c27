// redis_connection_map against a real Redis (label `redis`): the seed's keys, the atomic limit,
// global presence, the sweep of a dead instance and the refill of a Redis that forgot us.
#include "cluster/redis/redis_connection_map.hpp"

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "redis_fixture.hpp"

namespace chatgate::cluster::redis {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class redis_map_test : public testing::redis_fixture {
 protected:
  void SetUp() override {
    redis_fixture::SetUp();
    if (IsSkipped()) return;
    admin_ = connect("admin");
  }

  /// A name unique to this process and test, so parallel test processes never collide.
  std::string unique(std::string_view what) {
    return std::string(what) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n_);
  }

  std::unique_ptr<redis_connection_map> make_map(
      std::string instance, int limit = 10,
      std::chrono::milliseconds heartbeat = std::chrono::milliseconds(100)) {
    redis_map_settings s;
    s.instance = std::move(instance);
    s.max_connections_per_user = limit;
    s.heartbeat_interval = heartbeat;
    s.stale_after = std::chrono::milliseconds(400);
    last_conn_ = connect(s.instance);
    auto m = std::make_unique<redis_connection_map>(last_conn_, clock_, s);
    m->start();
    return m;
  }

  template <class T, class F>
  T answer(F&& call) {
    std::optional<T> got;
    call([&](T v) { got = std::move(v); });
    EXPECT_TRUE(run_until([&] { return got.has_value(); }));
    return got.value_or(T{});
  }

  std::vector<std::string> members(const std::string& key) {
    auto v = call(*admin_, {"SMEMBERS", key}).strings();
    std::sort(v.begin(), v.end());
    return v;
  }
  bool online(const std::string& user) {
    return call(*admin_, {"SISMEMBER", "ws:online", user}).integer == 1;
  }

  core::clock clock_;
  std::shared_ptr<redis_connection> admin_, last_conn_;
  int n_ = 0;
};

TEST_F(redis_map_test, writes_exactly_the_seed_keys_and_removes_them) {
  auto map = make_map(unique("inst"));
  const auto user = unique("u"), s1 = unique("s"), s2 = unique("s");
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map->register_connection(s1, user, cb); }), 1u);
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map->register_connection(s2, user, cb); }), 2u);
  EXPECT_THAT(members("ws:connections:" + user), UnorderedElementsAre(s1, s2));
  EXPECT_TRUE(online(user));
  auto hash = call(*admin_, {"HGETALL", "ws:socket:" + s1}).strings();
  ASSERT_EQ(hash.size(), 6u);
  EXPECT_EQ(hash[0], "userId");
  EXPECT_EQ(hash[1], user);
  EXPECT_EQ(hash[2], "connectedAt");
  EXPECT_EQ(hash[3].size(), 24u);  // ISO-8601 with milliseconds
  EXPECT_EQ(hash[4], "instance");
  EXPECT_EQ(hash[5], map->instance());
  auto ttl = call(*admin_, {"TTL", "ws:socket:" + s1}).integer;
  EXPECT_GT(ttl, 86300);
  EXPECT_LE(ttl, 86400);
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map->connection_count(user, cb); }), 2u);
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map->remove_connection(s1, user, cb); }), 1u);
  EXPECT_TRUE(online(user));
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map->remove_connection(s2, user, cb); }), 0u);
  EXPECT_FALSE(online(user));
  EXPECT_EQ(
      call(*admin_, {"EXISTS", "ws:connections:" + user, "ws:socket:" + s1, "ws:socket:" + s2})
          .integer,
      0);
  EXPECT_EQ(map->local().socket_count(), 0u);
}

TEST_F(redis_map_test, the_limit_holds_across_instances_at_the_limit_and_past_it) {
  auto a = make_map(unique("inst"), 2), b = make_map(unique("inst"), 2);
  const auto user = unique("u");
  std::vector<std::size_t> counts;
  const auto s1 = unique("s"), s2 = unique("s"), s3 = unique("s");
  a->register_connection(s1, user, [&](std::size_t n) { counts.push_back(n); });
  b->register_connection(s2, user, [&](std::size_t n) { counts.push_back(n); });
  a->register_connection(s3, user, [&](std::size_t n) { counts.push_back(n); });
  ASSERT_TRUE(run_until([&] { return counts.size() == 3; }));
  std::sort(counts.begin(), counts.end());
  EXPECT_THAT(counts, ElementsAre(1u, 2u, 3u));             // the third is over the limit of 2 ...
  EXPECT_EQ(members("ws:connections:" + user).size(), 2u);  // ... and was never added
  // Registering a socket already held does not count twice at the limit.
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { a->register_connection(s1, user, cb); }), 2u);
}

TEST_F(redis_map_test, presence_is_global) {
  auto a = make_map(unique("inst")), b = make_map(unique("inst"));
  const auto alice = unique("alice"), bob = unique("bob"), sa = unique("s");
  answer<std::size_t>([&](auto cb) { a->register_connection(sa, alice, cb); });
  EXPECT_THAT(answer<std::vector<std::string>>([&](auto cb) {
                b->online_users({bob, alice, alice}, cb);
              }),
              ElementsAre(alice));
  EXPECT_TRUE(answer<bool>([&](auto cb) { b->is_user_online(alice, cb); }));
  EXPECT_FALSE(answer<bool>([&](auto cb) { b->is_user_online(bob, cb); }));
  auto all = answer<std::map<std::string, std::vector<std::string>>>([&](auto cb) {
    b->users_sockets({alice, bob}, cb);
  });
  EXPECT_THAT(all[alice], ElementsAre(sa));
  EXPECT_TRUE(all.count(bob) && all[bob].empty());
}

TEST_F(redis_map_test, a_dead_instance_is_swept_by_the_others_except_what_recovered_elsewhere) {
  const auto dead_id = unique("dead");
  auto dead = make_map(dead_id);
  const auto gone = unique("gone"), moved = unique("moved"), both = unique("both");
  const auto s_gone = unique("s"), s_moved = unique("s"), s_both = unique("s");
  answer<std::size_t>([&](auto cb) { dead->register_connection(s_gone, gone, cb); });
  answer<std::size_t>([&](auto cb) { dead->register_connection(s_moved, moved, cb); });
  answer<std::size_t>([&](auto cb) { dead->register_connection(s_both, both, cb); });
  dead->stop();  // no more heartbeats: as if SIGKILLed
  auto survivor = make_map(unique("alive"));
  // `moved` recovered its socket (same id) on the survivor; `both` has another socket there.
  answer<std::size_t>([&](auto cb) { survivor->register_connection(s_moved, moved, cb); });
  const auto s_other = unique("s");
  answer<std::size_t>([&](auto cb) { survivor->register_connection(s_other, both, cb); });
  std::vector<std::string> offline;
  survivor->on_offline([&](const std::vector<std::string>& users) {
    offline.insert(offline.end(), users.begin(), users.end());
  });
  // The sweep is global: another map alive on this Redis (a test running in parallel) may be the
  // one that sweeps, so wait for the state in Redis; user:offline is checked end to end
  // (tests/e2e/cluster-faults.test.mjs).
  ASSERT_TRUE(run_until([&] { return !online(gone); }, std::chrono::seconds(5)));
  auto has = [&](const std::string& u) {
    return std::find(offline.begin(), offline.end(), u) != offline.end();
  };
  EXPECT_FALSE(has(moved));
  EXPECT_FALSE(has(both));
  EXPECT_TRUE(online(moved));
  EXPECT_THAT(members("ws:connections:" + moved), ElementsAre(s_moved));
  EXPECT_THAT(members("ws:connections:" + both), ElementsAre(s_other));
  EXPECT_EQ(call(*admin_, {"EXISTS", "ws:socket:" + s_gone, "ws:instance:" + dead_id + ":sockets"})
                .integer,
            0);
  EXPECT_FALSE(call(*admin_, {"ZSCORE", "ws:instances", dead_id}).type ==
               redis_reply::kind::string);
}

TEST_F(redis_map_test, an_instance_killed_before_its_first_heartbeat_is_swept_too) {
  redis_map_settings s;
  s.instance = unique("never-beat");
  redis_connection_map silent(connect(s.instance), clock_, s);  // never started: no heartbeat
  const auto user = unique("u"), sid = unique("s");
  answer<std::size_t>([&](auto cb) { silent.register_connection(sid, user, cb); });
  auto survivor = make_map(unique("alive"));
  // Any live map may sweep (tests run in parallel on one Redis): wait for the state in Redis.
  ASSERT_TRUE(run_until([&] { return !online(user); }, std::chrono::seconds(5)));
  EXPECT_EQ(call(*admin_, {"SCARD", "ws:connections:" + user}).integer, 0);
}

TEST_F(redis_map_test, refills_when_redis_forgot_this_instance) {
  const auto id = unique("inst");
  auto map = make_map(id);
  const auto user = unique("u"), s1 = unique("s");
  answer<std::size_t>([&](auto cb) { map->register_connection(s1, user, cb); });
  run_until([] { return false; }, std::chrono::milliseconds(150));  // one heartbeat recorded
  // What a restart without persistence loses, for this instance's keys.
  call(*admin_,
       {"DEL", "ws:connections:" + user, "ws:socket:" + s1, "ws:instance:" + id + ":sockets"});
  call(*admin_, {"SREM", "ws:online", user});
  call(*admin_, {"ZREM", "ws:instances", id});
  ASSERT_TRUE(run_until([&] { return online(user); }, std::chrono::seconds(3)));
  EXPECT_THAT(members("ws:connections:" + user), ElementsAre(s1));
  EXPECT_EQ(call(*admin_, {"HGET", "ws:socket:" + s1, "instance"}).str, id);
  EXPECT_GE(map->refills(), 1u);
}

TEST_F(redis_map_test, refill_after_reconnect_removes_what_left_during_the_outage) {
  const auto id = unique("inst");
  auto map = make_map(id, 10, std::chrono::seconds(60));
  const auto user = unique("u"), s1 = unique("s"), s2 = unique("s");
  answer<std::size_t>([&](auto cb) { map->register_connection(s1, user, cb); });
  answer<std::size_t>([&](auto cb) { map->register_connection(s2, user, cb); });
  // s2's removal never reaches Redis (as in an outage): only the mirror forgets it.
  const auto refills = map->refills();
  const auto victim = call(*last_conn_, {"CLIENT", "ID"}).integer;
  call(*admin_, {"CLIENT", "KILL", "ID", std::to_string(victim)});
  answer<std::size_t>([&](auto cb) { map->remove_connection(s2, user, cb); });
  ASSERT_TRUE(run_until([&] { return map->refills() > refills; }, std::chrono::seconds(3)));
  EXPECT_THAT(members("ws:connections:" + user), ElementsAre(s1));
  EXPECT_EQ(call(*admin_, {"EXISTS", "ws:socket:" + s2}).integer, 0);
}

TEST_F(redis_map_test, answers_from_this_instance_while_redis_is_away) {
  redis_endpoint closed = endpoint_;
  closed.port = 1;
  auto conn = redis_connection::create(ioc_.get_executor(), closed, "down", fast());
  conn->start();
  redis_map_settings s;
  s.instance = unique("inst");
  redis_connection_map map(conn, clock_, s);
  map.start();
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map.register_connection("a", "u", cb); }), 1u);
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map.register_connection("b", "u", cb); }), 2u);
  EXPECT_THAT(answer<std::vector<std::string>>([&](auto cb) {
                map.online_users({"u", "v"}, cb);
              }),
              ElementsAre("u"));
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { map.remove_connection("a", "u", cb); }), 1u);
}

}  // namespace
}  // namespace chatgate::cluster::redis
