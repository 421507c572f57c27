#include "cluster/redis/redis_connection.hpp"

#include <optional>

#include <gtest/gtest.h>

#include "redis_fixture.hpp"

namespace chatgate::cluster::redis {
namespace {

using kind = redis_reply::kind;

class redis_connection_test : public testing::redis_fixture {};

TEST_F(redis_connection_test, commands_get_their_replies_in_order_binary_safe) {
  auto c = connect("t");
  const std::string key = "chatgate:test:conn:bin";
  const std::string value("a\0b\r\nc", 6);
  EXPECT_TRUE(call(*c, {"SET", key, value}).ok());
  auto got = call(*c, {"GET", key});
  EXPECT_EQ(got.type, kind::string);
  EXPECT_EQ(got.str, value);
  EXPECT_EQ(call(*c, {"DEL", key}).integer, 1);
  EXPECT_EQ(call(*c, {"GET", key}).type, kind::nil);
  auto err = call(*c, {"NOSUCHCOMMAND"});
  EXPECT_EQ(err.type, kind::error);
  EXPECT_FALSE(err.ok());
  std::vector<int> order;
  for (int i = 0; i < 100; ++i)
    c->command({"PING"}, [&order, i](redis_reply) { order.push_back(i); });
  ASSERT_TRUE(run_until([&] { return order.size() == 100; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST_F(redis_connection_test, a_command_while_disconnected_fails_later_never_inside_the_call) {
  redis_endpoint closed = endpoint_;
  closed.port = 1;  // nothing listens there
  auto c = redis_connection::create(ioc_.get_executor(), closed, "closed", fast());
  c->start();
  std::optional<redis_reply> got;
  c->command({"PING"}, [&](redis_reply r) { got = std::move(r); });
  EXPECT_FALSE(got.has_value());
  ASSERT_TRUE(run_until([&] { return got.has_value(); }));
  EXPECT_EQ(got->type, kind::no_connection);
  EXPECT_FALSE(c->connected());
  run_until([] { return false; }, std::chrono::milliseconds(200));  // keeps retrying quietly
  EXPECT_EQ(c->connects(), 0u);
}

TEST_F(redis_connection_test, subscribe_and_psubscribe_deliver_channel_and_payload) {
  auto pub = connect("pub");
  auto sub = connect("sub");
  std::vector<std::pair<std::string, std::string>> got;
  sub->subscribe("chatgate:test:ch",
                 [&](std::string_view ch, std::string_view m) { got.emplace_back(ch, m); });
  sub->psubscribe("chatgate:test:p#*",
                  [&](std::string_view ch, std::string_view m) { got.emplace_back(ch, m); });
  // Subscribed once both show in PUBSUB NUMSUB / NUMPAT.
  ASSERT_TRUE(run_until([&] {
    auto n = call(*pub, {"PUBSUB", "NUMSUB", "chatgate:test:ch"});
    return n.elements.size() == 2 && n.elements[1].integer == 1;
  }));
  const std::string bin("\x00\xff\x01", 3);
  call(*pub, {"PUBLISH", "chatgate:test:ch", "hello"});
  call(*pub, {"PUBLISH", "chatgate:test:p#room#", bin});
  ASSERT_TRUE(run_until([&] { return got.size() == 2; }));
  EXPECT_EQ(got[0], std::make_pair(std::string("chatgate:test:ch"), std::string("hello")));
  EXPECT_EQ(got[1], std::make_pair(std::string("chatgate:test:p#room#"), bin));
}

TEST_F(redis_connection_test, reconnects_after_the_server_drops_it_and_resubscribes) {
  auto admin = connect("admin");
  redis_connection_settings s = fast();
  auto sub = connect("resub", s);
  const auto sub_id = call(*sub, {"CLIENT", "ID"}).integer;
  int ups = 0, downs = 0;
  sub->on_up([&] { ++ups; });
  sub->on_down([&] { ++downs; });
  std::vector<std::string> got;
  sub->subscribe("chatgate:test:resub",
                 [&](std::string_view, std::string_view m) { got.emplace_back(m); });
  auto subscribers = [&] {
    auto n = call(*admin, {"PUBSUB", "NUMSUB", "chatgate:test:resub"});
    return n.elements.size() == 2 ? n.elements[1].integer : -1;
  };
  ASSERT_TRUE(run_until([&] { return subscribers() == 1; }));
  // Kill `sub` by its client id (before it subscribed it could still answer CLIENT ID).
  EXPECT_TRUE(call(*admin, {"CLIENT", "KILL", "ID", std::to_string(sub_id)}).ok());
  ASSERT_TRUE(run_until([&] { return downs == 1 && ups == 1 && sub->connected(); }));
  EXPECT_EQ(sub->connects(), 2u);
  ASSERT_TRUE(run_until([&] { return subscribers() == 1; }));  // exactly one, not two
  call(*admin, {"PUBLISH", "chatgate:test:resub", "after"});
  ASSERT_TRUE(run_until([&] { return got.size() == 1; }));
  EXPECT_EQ(got[0], "after");
}

TEST_F(redis_connection_test, pending_commands_fail_when_the_connection_drops) {
  auto admin = connect("admin");
  auto c = connect("victim");
  const auto victim = call(*c, {"CLIENT", "ID"}).integer;
  std::optional<redis_reply> got;
  // BLPOP holds the answer back; killing the client makes it fail with no_connection.
  c->command({"BLPOP", "chatgate:test:never", "5"}, [&](redis_reply r) { got = std::move(r); });
  run_until([] { return false; }, std::chrono::milliseconds(50));
  EXPECT_TRUE(call(*admin, {"CLIENT", "KILL", "ID", std::to_string(victim)}).ok());
  ASSERT_TRUE(run_until([&] { return got.has_value(); }));
  EXPECT_EQ(got->type, kind::no_connection);
  ASSERT_TRUE(run_until([&] { return c->connected(); }));
  EXPECT_TRUE(call(*c, {"PING"}).ok());
}

TEST_F(redis_connection_test, stop_drops_pending_answers_without_calling_them) {
  auto c = connect("stopper");
  bool called = false;
  c->command({"BLPOP", "chatgate:test:never2", "5"}, [&](redis_reply) { called = true; });
  c->stop();
  run_until([] { return false; }, std::chrono::milliseconds(50));
  EXPECT_FALSE(called);
  EXPECT_FALSE(c->connected());
}

}  // namespace
}  // namespace chatgate::cluster::redis
