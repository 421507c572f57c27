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

TEST_F(admin_connections_test, another_instances_socket_data_reads_back_as_its_record) {
  auto a = connect("alice");
  auto sockets = h.io.of("/").sockets();
  ASSERT_EQ(sockets.size(), 1u);
  const auto& s = *sockets.begin()->second;
  auto data = gw.directory().socket_data(s);
  ASSERT_TRUE(data.is_object());
  EXPECT_EQ(data.at("userId"), "alice");
  EXPECT_EQ(data.at("transport"), "websocket");
  // As a REMOTE_FETCH answer carries it: the socket's own id among its rooms.
  json::object fetched{
      {"id", s.id()}, {"rooms", json::array{s.id(), "user:alice"}}, {"data", data}};
  auto r = admin_connections::record_of(fetched);
  ASSERT_TRUE(r);
  auto local = list("alice");
  ASSERT_EQ(local.size(), 1u);
  EXPECT_EQ(r->id, local[0].id);
  EXPECT_EQ(r->user_id, "alice");
  EXPECT_EQ(r->instance, local[0].instance);
  EXPECT_EQ(r->transport, "websocket");
  EXPECT_EQ(r->connected_at, local[0].connected_at);
  EXPECT_EQ(r->rooms, (std::vector<std::string>{"user:alice"}));
}

TEST_F(admin_connections_test, a_socket_that_is_not_a_chatgate_one_is_skipped) {
  const json::object data{{"userId", "u"},
                          {"instance", "i"},
                          {"transport", "polling"},
                          {"connectedAt", "2026-12-06T05:00:00.000Z"}};
  EXPECT_TRUE(admin_connections::record_of({{"id", "x"}, {"data", data}}));
  EXPECT_FALSE(admin_connections::record_of({{"id", "x"}, {"data", nullptr}}));  // a Node peer's
  EXPECT_FALSE(admin_connections::record_of({{"data", data}}));
  for (const char* key : {"userId", "instance", "transport", "connectedAt"}) {
    auto d = data;
    d.erase(key);
    EXPECT_FALSE(admin_connections::record_of({{"id", "x"}, {"data", d}})) << key;
  }
  auto bad_time = data;
  bad_time["connectedAt"] = "yesterday";
  EXPECT_FALSE(admin_connections::record_of({{"id", "x"}, {"data", bad_time}}));
}

TEST_F(admin_connections_test, lists_the_other_instances_sockets_through_the_remote_fetch) {
  auto a = connect("alice");
  const auto local_id = list("alice").at(0).id;
  std::vector<socketio::broadcast_options> asked;
  std::function<void(std::vector<json::object>)> answer;
  gw.directory().set_remote([&](const socketio::broadcast_options& opts, auto done) {
    asked.push_back(opts);
    answer = std::move(done);
  });
  std::optional<std::vector<chat::connection_record>> got;
  gw.directory().list_connections("alice", [&](auto r) { got = std::move(r); });
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].rooms, (std::set<std::string, std::less<>>{"user:alice"}));
  EXPECT_FALSE(got);  // waits for the other instances
  const json::object data{{"userId", "alice"},
                          {"instance", "elsewhere"},
                          {"transport", "polling"},
                          {"connectedAt", "2026-12-06T05:00:00.000Z"}};
  answer({json::object{{"id", "remote1"}, {"rooms", json::array{"remote1"}}, {"data", data}},
          json::object{{"id", local_id}, {"data", data}},  // also here: listed once, as here
          json::object{{"id", "node"}, {"data", nullptr}}});
  ASSERT_TRUE(got);
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].id, local_id);
  EXPECT_NE((*got)[0].instance, "elsewhere");
  EXPECT_EQ((*got)[1].id, "remote1");
  EXPECT_EQ((*got)[1].instance, "elsewhere");
  EXPECT_EQ((*got)[1].transport, "polling");
  EXPECT_TRUE((*got)[1].rooms.empty());

  gw.directory().list_connections(std::nullopt, [&](auto r) { got = std::move(r); });
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_TRUE(asked[1].rooms.empty());  // every socket
}

}  // namespace
}  // namespace chatgate::gateway
