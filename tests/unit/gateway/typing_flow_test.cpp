// The typing indicator through the gateway, over fake Engine.IO sessions (no sockets): who hears
// `typing`, the acks, FORBIDDEN for outsiders, the throttle and every way typing ends.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

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

/// Events ("ACK" for an ack) a client received, with their first argument.
struct received {
  std::vector<std::string> names;
  std::vector<json::value> args;
};

received take(fake_engine_socket& c) {
  received r;
  for (const auto& text : c.take()) {
    if (text.starts_with("2")) {
      auto a = json::parse(std::string_view(text).substr(1)).as_array();
      r.names.push_back(std::string(a.at(0).as_string()));
      r.args.push_back(a.size() > 1 ? a[1] : json::value());
    } else if (text.starts_with("3")) {
      r.names.push_back("ACK");
      r.args.push_back(json::parse(std::string_view(text).substr(text.find('['))).as_array().at(0));
    } else if (text == "1") {
      r.names.push_back("DISCONNECT");
      r.args.emplace_back(nullptr);
    }  // the CONNECT answer ("0{sid}") is not an event
  }
  return r;
}

using names = std::vector<std::string>;

struct typing_flow : ::testing::Test {
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
  std::string conv;

  typing_flow() {
    chat.set_events(&gw.events());
    json::object body{{"type", "group"}, {"name", "g"}, {"participantIds", {"bob", "carol"}}};
    conv = chat.create_conversation("alice", body).value().conversation.id;
  }

  std::shared_ptr<fake_engine_socket> connect(const std::string& user) {
    auto c = std::make_shared<fake_engine_socket>("e" + std::to_string(++sessions));
    h.io.accept(c);
    c->recv(R"(0{"token":")" + minter.mint(user, 1h, clock.now()) + "\"}");
    EXPECT_EQ(take(*c).names, names{"connected"}) << user;
    return c;
  }
  void emit(fake_engine_socket& c, std::string_view event, const std::string& payload, int ack) {
    c.recv("2" + std::to_string(ack) + "[\"" + std::string(event) + "\"," + payload + "]");
  }
  void typing(fake_engine_socket& c, std::string_view event, int ack = 1) {
    emit(c, event, R"({"conversationId":")" + conv + "\"}", ack);
  }
  json::value typing_event(std::string_view user, bool is_typing) const {
    return json::object{{"conversationId", conv}, {"userId", user}, {"isTyping", is_typing}};
  }
};

TEST_F(typing_flow, start_reaches_the_room_but_not_the_senders_own_sockets) {
  auto a1 = connect("alice");
  auto a2 = connect("alice");
  auto b = connect("bob");
  take(*a1);
  take(*a2);  // user:online of bob
  typing(*a1, "typing:start", 7);
  auto ra = take(*a1);
  ASSERT_EQ(ra.names, names{"ACK"});
  EXPECT_EQ(ra.args[0], json::parse(R"({"success":true})"));
  EXPECT_TRUE(take(*a2).names.empty());
  auto rb = take(*b);
  ASSERT_EQ(rb.names, names{"typing"});
  EXPECT_EQ(rb.args[0], typing_event("alice", true));
}

TEST_F(typing_flow, throttled_start_is_acked_but_not_forwarded) {
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);
  typing(*a, "typing:start");
  take(*a);
  EXPECT_EQ(take(*b).names, names{"typing"});
  clock.advance(999ms);
  typing(*a, "typing:start");
  auto ra = take(*a);
  ASSERT_EQ(ra.names, names{"ACK"});
  EXPECT_EQ(ra.args[0].at("success"), true);
  EXPECT_TRUE(take(*b).names.empty());
  clock.advance(1ms);
  typing(*a, "typing:start");
  EXPECT_EQ(take(*b).names, names{"typing"});
}

TEST_F(typing_flow, stop_is_forwarded_when_it_changes_state_only) {
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);
  typing(*a, "typing:stop");
  EXPECT_EQ(take(*a).names, names{"ACK"});
  EXPECT_TRUE(take(*b).names.empty());
  typing(*a, "typing:start");
  take(*b);
  typing(*a, "typing:stop");
  auto rb = take(*b);
  ASSERT_EQ(rb.names, names{"typing"});
  EXPECT_EQ(rb.args[0], typing_event("alice", false));
}

TEST_F(typing_flow, outsider_gets_forbidden_and_nobody_hears_it) {
  auto d = connect("dave");
  auto b = connect("bob");
  typing(*d, "typing:start");
  auto rd = take(*d);
  ASSERT_EQ(rd.names, (names{"error", "ACK"}));
  EXPECT_EQ(rd.args[0].at("code"), "FORBIDDEN");
  EXPECT_EQ(rd.args[0].at("originalEvent"), "typing:start");
  EXPECT_EQ(rd.args[1].at("error").at("code"), "FORBIDDEN");
  typing(*d, "typing:stop");
  EXPECT_EQ(take(*d).args[1].at("error").at("code"), "FORBIDDEN");
  EXPECT_TRUE(take(*b).names.empty());
}

TEST_F(typing_flow, bad_payloads_are_validation_errors) {
  auto a = connect("alice");
  for (const auto* payload :
       {R"({})", R"({"conversationId":12})", R"({"conversationId":"zz"})", R"("x")", R"(null)"}) {
    emit(*a, "typing:start", payload, 3);
    auto r = take(*a);
    ASSERT_EQ(r.names, (names{"error", "ACK"})) << payload;
    EXPECT_EQ(r.args[1].at("error").at("code"), "VALIDATION_ERROR") << payload;
  }
}

TEST_F(typing_flow, a_message_of_the_typist_ends_typing_after_message_new) {
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);
  typing(*a, "typing:start");
  take(*b);
  chat.send_message("alice", conv, json::parse(R"({"content":"hi"})")).value();
  auto rb = take(*b);
  ASSERT_EQ(rb.names, (names{"message:new", "typing"}));
  EXPECT_EQ(rb.args[1], typing_event("alice", false));
  chat.send_message("bob", conv, json::parse(R"({"content":"yo"})")).value();
  EXPECT_EQ(take(*b).names, names{"message:new"});  // another's message ends nothing
}

TEST_F(typing_flow, five_seconds_without_a_start_end_typing) {
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);
  typing(*a, "typing:start");
  take(*b);
  clock.advance(4999ms);
  gw.typing().sweep();
  EXPECT_TRUE(take(*b).names.empty());
  clock.advance(1ms);
  gw.typing().sweep();
  auto rb = take(*b);
  ASSERT_EQ(rb.names, names{"typing"});
  EXPECT_EQ(rb.args[0], typing_event("alice", false));
}

TEST_F(typing_flow, typing_ends_when_the_last_socket_goes_not_before) {
  auto a1 = connect("alice");
  auto a2 = connect("alice");
  auto b = connect("bob");
  take(*a1);
  typing(*a1, "typing:start");
  take(*b);
  a1->drop("transport close");
  EXPECT_TRUE(take(*b).names.empty());
  a2->drop("transport close");
  auto rb = take(*b);
  ASSERT_EQ(rb.names, (names{"typing", "user:offline"}));
  EXPECT_EQ(rb.args[0], typing_event("alice", false));
}

TEST_F(typing_flow, a_removed_typist_ends_typing_for_the_room) {
  auto c = connect("carol");
  auto b = connect("bob");
  typing(*c, "typing:start");
  take(*b);
  chat.remove_participant("alice", conv, "carol").value();
  auto rb = take(*b);
  ASSERT_EQ(rb.names, (names{"participant:removed", "typing"}));
  EXPECT_EQ(rb.args[1], typing_event("carol", false));
  take(*c);
  typing(*c, "typing:start");
  auto rc = take(*c);
  ASSERT_EQ(rc.names, (names{"error", "ACK"}));
  EXPECT_EQ(rc.args[1].at("error").at("code"), "FORBIDDEN");
}

TEST_F(typing_flow, typing_is_not_stored) {
  auto a = connect("alice");
  typing(*a, "typing:start");
  auto page = chat.list_messages("alice", conv, {}).value();
  EXPECT_TRUE(page.items.empty());
}

}  // namespace
}  // namespace chatgate::gateway
