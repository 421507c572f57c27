// Connection state recovery through the whole gateway in process (socketio::server over fake
// Engine.IO sessions, chat_service over the real SQLite store in memory, recovery on): pid in
// the CONNECT answer, offsets on the recoverable events only, a recovered connect with the old
// id, the missed events in order and `connected` again; past the window a normal connect.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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
constexpr auto window = 10s;

/// The packets a client got: CONNECT answers as {"CONNECT", data}, events as {name, args}.
struct packet_log {
  std::vector<std::string> names;
  std::vector<json::array> args;
};

packet_log take(fake_engine_socket& c) {
  packet_log out;
  for (const auto& text : c.take()) {
    if (text.starts_with("0")) {
      out.names.emplace_back("CONNECT");
      out.args.push_back(json::array{json::parse(std::string_view(text).substr(1))});
    } else if (text.starts_with("2")) {
      auto a = json::parse(std::string_view(text).substr(1)).as_array();
      out.names.emplace_back(a.at(0).as_string());
      a.erase(a.begin());
      out.args.push_back(std::move(a));
    }
  }
  return out;
}

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

gateway_settings with_recovery() {
  gateway_settings s;
  s.recovery.window = window;
  return s;
}

struct recovery_flow : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {100, 10s}};
  chat::chat_service chat{db, clock, limiter, chat::chat_settings{1000, window}};
  chat::inline_runner runner{chat};
  chat::async_chat async{runner, [](std::function<void()> f) { f(); }};
  auth::verifier verifier = auth::verifier::create(auth::settings{secret, {}, {}, {}, {}}).value();
  auth::minter minter{auth::settings{secret, {}, {}, {}, {}}};
  cluster::local_connection_map map;
  socketio::testing::harness h;
  chat_gateway gw{h.io.of("/"), async, verifier, map, clock, with_recovery()};
  int sessions = 0;

  recovery_flow() { chat.set_events(&gw.events()); }

  std::shared_ptr<fake_engine_socket> open(const std::string& user, const std::string& extra = "") {
    auto c = std::make_shared<fake_engine_socket>("e" + std::to_string(++sessions));
    h.io.accept(c);
    c->recv(R"(0{"token":")" + minter.mint(user, 1h, clock.now()) + "\"" + extra + "}");
    return c;
  }
  std::string group(const std::string& owner, std::vector<std::string> others) {
    json::array ids(others.begin(), others.end());
    json::object body{{"type", "group"}, {"name", "g"}, {"participantIds", ids}};
    return chat.create_conversation(owner, body).value().conversation.id;
  }
  std::string send(const std::string& user, const std::string& conv, const std::string& text) {
    return chat.send_message(user, conv, json::object{{"content", text}}).value().id;
  }
};

TEST_F(recovery_flow, connect_answer_has_a_pid_and_only_message_events_an_offset) {
  const auto conv = group("alice", {"bob"});
  auto bob = open("bob");
  auto first = take(*bob);
  ASSERT_EQ(first.names, (std::vector<std::string>{"CONNECT", "connected"}));
  EXPECT_TRUE(first.args[0][0].as_object().at("pid").is_string());
  EXPECT_EQ(first.args[1].size(), 1u);  // `connected`: no offset
  auto alice = open("alice");
  const auto id = send("alice", conv, "hi");
  auto got = take(*bob);
  ASSERT_EQ(got.names, (std::vector<std::string>{"user:online", "message:new"}));
  EXPECT_EQ(got.args[0].size(), 1u);
  ASSERT_EQ(got.args[1].size(), 2u);
  EXPECT_EQ(str(got.args[1][0].at("id")), id);
  EXPECT_TRUE(got.args[1][1].is_string());
}

TEST_F(recovery_flow, a_dropped_client_recovers_its_id_and_missed_events_in_order) {
  const auto conv = group("alice", {"bob"});
  auto bob = open("bob");
  auto hello = take(*bob);
  const auto pid = std::string(hello.args[0][0].at("pid").as_string());
  const auto sid = std::string(hello.args[0][0].at("sid").as_string());
  send("alice", conv, "zero");
  const auto offset = std::string(take(*bob).args[0][1].as_string());
  bob->drop("transport close");
  std::vector<std::string> ids{send("alice", conv, "one"), send("alice", conv, "two"),
                               send("alice", conv, "three")};
  clock.advance(window - 1ms);
  auto back = open("bob", R"(,"pid":")" + pid + R"(","offset":")" + offset + "\"");
  auto got = take(*back);
  ASSERT_EQ(got.names, (std::vector<std::string>{"message:new", "message:new", "message:new",
                                                 "CONNECT", "connected"}));
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(str(got.args[i][0].at("id")), ids[i]);
  EXPECT_EQ(str(got.args[3][0].at("sid")), sid);
  EXPECT_EQ(str(got.args[3][0].at("pid")), pid);
  EXPECT_EQ(str(got.args[4][0].at("socketId")), sid);
  // Its rooms are back: the next message arrives live.
  send("alice", conv, "live");
  auto live = take(*back);
  ASSERT_EQ(live.names, std::vector<std::string>{"message:new"});
  EXPECT_EQ(live.args[0][0].at("content"), "live");
  EXPECT_EQ(map.count("bob"), 1u);
}

TEST_F(recovery_flow, past_the_window_a_normal_connect) {
  group("alice", {"bob"});
  auto bob = open("bob");
  auto hello = take(*bob);
  const auto pid = std::string(hello.args[0][0].at("pid").as_string());
  const auto sid = std::string(hello.args[0][0].at("sid").as_string());
  bob->drop("transport close");
  clock.advance(window);
  auto back = open("bob", R"(,"pid":")" + pid + "\"");
  auto got = take(*back);
  ASSERT_EQ(got.names, (std::vector<std::string>{"CONNECT", "connected"}));
  EXPECT_NE(str(got.args[0][0].at("sid")), sid);
  EXPECT_NE(str(got.args[0][0].at("pid")), pid);
}

TEST_F(recovery_flow, another_users_token_does_not_recover_the_session) {
  group("alice", {"bob"});
  auto bob = open("bob");
  auto hello = take(*bob);
  const auto pid = std::string(hello.args[0][0].at("pid").as_string());
  const auto sid = std::string(hello.args[0][0].at("sid").as_string());
  bob->drop("transport close");
  auto eve = open("eve", R"(,"pid":")" + pid + "\"");
  auto got = take(*eve);
  ASSERT_EQ(got.names, (std::vector<std::string>{"CONNECT", "connected"}));
  EXPECT_NE(str(got.args[0][0].at("sid")), sid);
}

TEST_F(recovery_flow, a_server_namespace_disconnect_is_not_recoverable) {
  group("alice", {"bob"});
  auto bob = open("bob");
  auto hello = take(*bob);
  const auto pid = std::string(hello.args[0][0].at("pid").as_string());
  h.io.of("/").disconnect_sockets({}, false);
  auto back = open("bob", R"(,"pid":")" + pid + "\"");
  auto got = take(*back);
  ASSERT_EQ(got.names, (std::vector<std::string>{"CONNECT", "connected"}));
  EXPECT_NE(str(got.args[0][0].at("pid")), pid);
}

TEST(recovery_sessions_rules, offsets_reasons_and_replayed_events) {
  EXPECT_EQ(recovery_sessions::parse_offset("42"), 42);
  EXPECT_EQ(recovery_sessions::parse_offset("0"), std::nullopt);
  EXPECT_EQ(recovery_sessions::parse_offset("-1"), std::nullopt);
  EXPECT_EQ(recovery_sessions::parse_offset("1a"), std::nullopt);
  EXPECT_EQ(recovery_sessions::parse_offset(""), std::nullopt);
  EXPECT_EQ(recovery_sessions::parse_offset("99999999999999999999"), std::nullopt);
  EXPECT_TRUE(recovery_sessions::recoverable("transport close"));
  EXPECT_TRUE(recovery_sessions::recoverable("ping timeout"));
  EXPECT_TRUE(recovery_sessions::recoverable("server shutting down"));
  EXPECT_FALSE(recovery_sessions::recoverable("client namespace disconnect"));
  EXPECT_FALSE(recovery_sessions::recoverable("server namespace disconnect"));
  store::recovery_event e{7, "message:deleted", "", {}};
  e.subject.id = "m";
  e.subject.conversation_id = "c";
  auto m = recovery_sessions::to_missed(e);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->name, "message:deleted");
  ASSERT_EQ(m->arguments.size(), 2u);
  EXPECT_EQ(m->arguments[0].at("messageId"), "m");
  EXPECT_EQ(m->arguments[1], "7");
  e.name = "conversation:new";  // not a replayed event
  EXPECT_FALSE(recovery_sessions::to_missed(e));
}

}  // namespace
}  // namespace chatgate::gateway
