// gateway::admin_connections over the real gateway and fake Engine.IO sessions: registered
// sockets only, their rooms without the socket's own id, the user filter.
#include <gtest/gtest.h>

#include <boost/json/object.hpp>

#include "../chat/test_store.hpp"
#include "../socketio/fake_engine_socket.hpp"
#include "auth/minter.hpp"
#include "chat/async_chat.hpp"
#include "cluster/local_connection_map.hpp"
#include "gateway/chat_gateway.hpp"

namespace chatgate::gateway {
namespace {

namespace json = boost::json;
using socketio::testing::fake_engine_socket;
using namespace std::chrono_literals;

const std::string secret = "unit-secret-0123456789abcdef0123456789";

struct admin_connections_test : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {100, 10s}};
  chat::chat_service chat{db, clock, limiter};
  chat::inline_runner runner{chat};  // store calls at once, answers at once: no threads
  chat::async_chat async{runner, [](std::function<void()> f) { f(); }};
  auth::verifier verifier = auth::verifier::create(auth::settings{secret, {}, {}, {}, {}}).value();
  auth::minter minter{auth::settings{secret, {}, {}, {}, {}}};
  cluster::local_connection_map map;
  socketio::testing::harness h;
  chat_gateway gw{h.io.of("/"), async, verifier, map, clock, gateway_settings{5}};
  int sessions = 0;

  std::shared_ptr<fake_engine_socket> open(const std::string& auth) {
    auto c = std::make_shared<fake_engine_socket>("e" + std::to_string(++sessions));
    h.io.accept(c);
    c->recv("0" + auth);
    return c;
  }
  std::shared_ptr<fake_engine_socket> connect(const std::string& user) {
    return open(R"({"token":")" + minter.mint(user, 1h, clock.now()) + "\"}");
  }
  std::vector<chat::connection_record> list(std::optional<std::string> user = std::nullopt) {
    std::vector<chat::connection_record> out;
    bool answered = false;
    gw.directory().list_connections(user, [&](auto r) {
      out = std::move(r);
      answered = true;
    });
    EXPECT_TRUE(answered);  // the local directory answers at once
    return out;
  }
};

TEST_F(admin_connections_test, lists_registered_sockets_with_named_rooms) {
  json::object body{{"type", "group"}, {"name", "g"}, {"participantIds", {"bob"}}};
  auto conv = chat.create_conversation("alice", body).value().conversation.id;
  auto a = connect("alice");
  clock.advance(5ms);
  auto b = connect("bob");
  auto refused = open(R"({"token":"bad"})");  // never registered: not listed
  auto all = list();
  ASSERT_EQ(all.size(), 2u);
  std::sort(all.begin(), all.end(), [](auto& x, auto& y) { return x.user_id < y.user_id; });
  EXPECT_EQ(all[0].user_id, "alice");
  EXPECT_EQ(all[0].rooms, (std::vector<std::string>{"conversation:" + conv, "user:alice"}));
  EXPECT_EQ(all[0].transport, "websocket");  // what the fake session reports
  EXPECT_EQ(all[1].connected_at - all[0].connected_at, 5ms);
  EXPECT_FALSE(all[0].instance.empty());
  EXPECT_EQ(all[0].instance, all[1].instance);
  for (const auto& r : all)
    for (const auto& room : r.rooms) EXPECT_NE(room, r.id);
}

TEST_F(admin_connections_test, user_filter_and_disconnects) {
  auto a1 = connect("alice");
  auto a2 = connect("alice");
  auto b = connect("bob");
  EXPECT_EQ(list("alice").size(), 2u);
  EXPECT_EQ(list("bob").size(), 1u);
  EXPECT_TRUE(list("carol").empty());
  a1->drop("transport close");
  EXPECT_EQ(list("alice").size(), 1u);
  EXPECT_EQ(list().size(), 2u);
}

}  // namespace
}  // namespace chatgate::gateway
