// The gateway in process: socketio::server over fake Engine.IO sessions, chat_service over the
// in-memory store, the real verifier. Checks what each client receives, packet by packet.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <deque>
#include <functional>

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

/// What one client received, decoded: event names ("DISCONNECT" for a disconnect packet, "ACK"
/// for an ack) with their first argument.
struct received {
  std::vector<std::string> names;
  std::vector<json::value> args;
  json::value of(std::string_view name) const {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return args[i];
    ADD_FAILURE() << "no " << name;
    return nullptr;
  }
};

received take(fake_engine_socket& c) {
  received r;
  for (const auto& text : c.take()) {
    if (text == "1") {
      r.names.push_back("DISCONNECT");
      r.args.emplace_back(nullptr);
    } else if (text.starts_with("2")) {
      auto a = json::parse(std::string_view(text).substr(1)).as_array();
      r.names.push_back(std::string(a.at(0).as_string()));
      r.args.push_back(a.size() > 1 ? a[1] : json::value());
    } else if (text.starts_with("3")) {
      auto at = text.find('[');
      r.names.push_back("ACK");
      r.args.push_back(json::parse(std::string_view(text).substr(at)).as_array().at(0));
    }
  }
  return r;
}

struct gateway_flow : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {100, 10s}};
  chat::chat_service chat{db, clock, limiter};
  chat::inline_runner runner{chat};  // store calls at once: no threads
  // Answers at once, or, with `defer`, when the test runs them (a store worker's late answer).
  bool defer = false;
  std::deque<std::function<void()>> deferred;
  chat::async_chat async{runner, [this](std::function<void()> f) {
                           if (defer)
                             deferred.push_back(std::move(f));
                           else
                             f();
                         }};
  void run_deferred() {
    while (!deferred.empty()) {
      auto f = std::move(deferred.front());
      deferred.pop_front();
      f();
    }
  }
  auth::verifier verifier = auth::verifier::create(auth::settings{secret, {}, {}, {}, {}}).value();
  auth::minter minter{auth::settings{secret, {}, {}, {}, {}}};
  cluster::local_connection_map map;
  socketio::testing::harness h;
  chat_gateway gw{h.io.of("/"), async, verifier, map, clock, gateway_settings{2}};
  int sessions = 0;

  gateway_flow() { chat.set_events(&gw.events()); }

  /// A client connecting to "/" with CONNECT payload `auth` (raw JSON, may be empty).
  std::shared_ptr<fake_engine_socket> open(const std::string& auth) {
    auto c = std::make_shared<fake_engine_socket>("e" + std::to_string(++sessions));
    h.io.accept(c);
    c->recv("0" + auth);
    return c;
  }
  std::shared_ptr<fake_engine_socket> connect(const std::string& user) {
    auto c = open(R"({"token":")" + minter.mint(user, 1h, clock.now()) + "\"}");
    auto r = take(*c);
    EXPECT_EQ(r.names, std::vector<std::string>{"connected"}) << user;
    return c;
  }
  std::string group(const std::string& owner, std::vector<std::string> others) {
    json::array ids(others.begin(), others.end());
    json::object body{{"type", "group"}, {"name", "g"}, {"participantIds", ids}};
    return chat.create_conversation(owner, body).value().conversation.id;
  }
  static void emit(fake_engine_socket& c, std::string_view event, std::string_view payload,
                   int ack = -1) {
    c.recv("2" + (ack >= 0 ? std::to_string(ack) : std::string()) + "[\"" + std::string(event) +
           "\"," + std::string(payload) + "]");
  }
};

TEST_F(gateway_flow, no_token_gets_unauthorized_then_disconnect) {
  auto c = open("");
  auto r = take(*c);
  ASSERT_EQ(r.names, (std::vector<std::string>{"error", "DISCONNECT"}));
  EXPECT_EQ(r.args[0].at("code"), "UNAUTHORIZED");
  EXPECT_EQ(map.socket_count(), 0u);
}

TEST_F(gateway_flow, bad_token_gets_unauthorized_then_disconnect) {
  auto c = open(R"({"token":"a.b.c"})");
  EXPECT_EQ(take(*c).names, (std::vector<std::string>{"error", "DISCONNECT"}));
}

TEST_F(gateway_flow, connected_counts_rooms_and_registers_the_socket) {
  group("alice", {"bob"});
  group("carol", {"alice"});
  auto c = open(R"({"token":")" + minter.mint("alice", 1h, clock.now()) + "\"}");
  auto r = take(*c);
  ASSERT_EQ(r.names, std::vector<std::string>{"connected"});
  EXPECT_EQ(r.args[0].at("rooms"), 3);
  EXPECT_EQ(r.args[0].at("userId"), "alice");
  EXPECT_EQ(map.count("alice"), 1u);
}

TEST_F(gateway_flow, the_token_is_not_kept_once_checked_other_auth_keys_are) {
  auto c = open(R"({"token":")" + minter.mint("alice", 1h, clock.now()) + R"(","client":"web"})");
  ASSERT_EQ(take(*c).names, std::vector<std::string>{"connected"});
  ASSERT_EQ(h.io.of("/").sockets().size(), 1u);
  const auto& hs = h.io.of("/").sockets().begin()->second->handshake();
  EXPECT_FALSE(hs.auth.contains("token"));
  EXPECT_EQ(hs.auth.at("client").as_string(), "web");
}

TEST_F(gateway_flow, connections_at_the_limit_pass_and_past_it_are_refused) {
  auto c1 = connect("alice");
  auto c2 = connect("alice");
  auto c3 = open(R"({"token":")" + minter.mint("alice", 1h, clock.now()) + "\"}");
  auto r = take(*c3);
  ASSERT_EQ(r.names, (std::vector<std::string>{"error", "DISCONNECT"}));
  EXPECT_EQ(r.args[0].at("code"), "CONNECTION_ERROR");
  EXPECT_EQ(map.count("alice"), 2u);
  c1->drop("transport close");
  EXPECT_EQ(map.count("alice"), 1u);
  connect("alice");
  EXPECT_EQ(map.count("alice"), 2u);
}

TEST_F(gateway_flow, online_on_first_socket_offline_after_last) {
  auto id = group("alice", {"bob"});
  auto a = connect("alice");
  auto b1 = connect("bob");
  auto on = take(*a);
  ASSERT_EQ(on.names, std::vector<std::string>{"user:online"});
  EXPECT_EQ(on.args[0].at("userId"), "bob");
  EXPECT_EQ(on.args[0].at("conversationId"), json::value(id));
  auto b2 = connect("bob");
  EXPECT_TRUE(take(*a).names.empty());
  EXPECT_TRUE(take(*b1).names.empty());  // bob's own sockets are not told about bob
  b1->drop("transport close");
  EXPECT_TRUE(take(*a).names.empty());
  b2->drop("transport close");
  auto off = take(*a);
  ASSERT_EQ(off.names, std::vector<std::string>{"user:offline"});
  EXPECT_EQ(off.args[0].at("userId"), "bob");
  EXPECT_EQ(map.online_count(), 1u);
}

TEST_F(gateway_flow, send_broadcasts_message_new_before_the_ack) {
  auto id = group("alice", {"bob"});
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);
  emit(*a, "message:send", R"({"conversationId":")" + id + R"(","content":"hi"})", 5);
  auto ra = take(*a);
  ASSERT_EQ(ra.names, (std::vector<std::string>{"message:new", "ACK"}));
  EXPECT_EQ(ra.args[1].at("success"), true);
  EXPECT_EQ(ra.args[1].at("message"), ra.args[0]);
  EXPECT_EQ(take(*b).names, std::vector<std::string>{"message:new"});
}

TEST_F(gateway_flow, react_broadcasts_message_reaction_before_the_ack_and_a_repeat_sends_nothing) {
  auto id = group("alice", {"bob"});
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);  // bob's user:online
  emit(*a, "message:send", R"({"conversationId":")" + id + R"(","content":"hi"})", 1);
  auto sent = take(*a);
  take(*b);
  const std::string mid(sent.args.at(1).at("message").at("id").as_string());
  const std::string payload = R"({"messageId":")" + mid + R"(","emoji":"👍"})";
  emit(*b, "message:react", payload, 2);
  auto rb = take(*b);
  ASSERT_EQ(rb.names, (std::vector<std::string>{"message:reaction", "ACK"}));
  EXPECT_EQ(rb.args[0].at("action"), "added");
  EXPECT_EQ(rb.args[0].at("userId"), "bob");
  EXPECT_EQ(rb.args[1].at("message").at("reactions"), rb.args[0].at("reactions"));
  EXPECT_EQ(take(*a).names, std::vector<std::string>{"message:reaction"});
  emit(*b, "message:react", payload, 3);  // a repeat: the ack only
  EXPECT_EQ(take(*b).names, std::vector<std::string>{"ACK"});
  EXPECT_TRUE(take(*a).names.empty());
  emit(*a, "message:unreact", payload, 4);  // alice does not hold it: the ack only
  EXPECT_EQ(take(*a).names, std::vector<std::string>{"ACK"});
  emit(*b, "message:unreact", payload, 5);
  auto removed = take(*a);
  ASSERT_EQ(removed.names, std::vector<std::string>{"message:reaction"});
  EXPECT_EQ(removed.args[0].at("action"), "removed");
  EXPECT_TRUE(removed.args[0].at("reactions").as_array().empty());
}

TEST_F(gateway_flow, a_new_conversation_joins_members_before_telling_them) {
  auto a = connect("alice");
  auto id = group("bob", {"alice"});
  auto r = take(*a);
  ASSERT_EQ(r.names, std::vector<std::string>{"conversation:new"});
  EXPECT_EQ(r.args[0].at("id"), json::value(id));
  chat.send_message("bob", id, json::parse(R"({"content":"x"})")).value();
  EXPECT_EQ(take(*a).names, std::vector<std::string>{"message:new"});
}

TEST_F(gateway_flow, a_removed_member_hears_nothing_after_conversation_removed) {
  auto id = group("alice", {"bob", "carol"});
  auto a = connect("alice");
  auto c = connect("carol");
  take(*a);
  chat.remove_participant("alice", id, "carol").value();
  auto rc = take(*c);
  ASSERT_EQ(rc.names, (std::vector<std::string>{"participant:removed", "conversation:removed"}));
  EXPECT_EQ(rc.args[1], json::parse(R"({"conversationId":")" + id + "\"}"));
  EXPECT_EQ(take(*a).names, std::vector<std::string>{"participant:removed"});
  chat.send_message("alice", id, json::parse(R"({"content":"x"})")).value();
  EXPECT_TRUE(take(*c).names.empty());
  EXPECT_EQ(take(*a).names, std::vector<std::string>{"message:new"});
}

TEST_F(gateway_flow, an_added_member_joins_then_hears_the_room) {
  auto id = group("alice", {"bob"});
  auto c = connect("carol");
  chat.add_participant("alice", id, json::parse(R"({"userId":"carol"})")).value();
  auto r = take(*c);
  ASSERT_EQ(r.names, (std::vector<std::string>{"conversation:joined", "participant:added"}));
  EXPECT_EQ(r.args[1].at("userId"), "carol");
}

TEST_F(gateway_flow, conversation_read_tells_the_room_then_acks_with_the_state) {
  auto id = group("alice", {"bob"});
  chat.send_message("alice", id, json::parse(R"({"content":"x"})")).value();
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);
  emit(*b, "conversation:read", R"({"conversationId":")" + id + R"(","seq":1})", 7);
  auto rb = take(*b);
  ASSERT_EQ(rb.names, (std::vector<std::string>{"conversation:read", "ACK"}));
  auto data = json::parse(R"({"conversationId":")" + id +
                          R"(","userId":"bob","lastReadSeq":1,"unreadCount":0})");
  EXPECT_EQ(rb.args[0], data);
  EXPECT_EQ(rb.args[1], (json::object{{"success", true}, {"data", data}}));
  auto ra = take(*a);
  ASSERT_EQ(ra.names, std::vector<std::string>{"conversation:read"});
  EXPECT_EQ(ra.args[0], data);
  // Bad input: the error and the failed ack, nothing to the room.
  emit(*b, "conversation:read", R"({"conversationId":")" + id + R"(","seq":-1})", 8);
  rb = take(*b);
  ASSERT_EQ(rb.names, (std::vector<std::string>{"error", "ACK"}));
  EXPECT_EQ(rb.args[0].at("details").at(0).at("field"), "seq");
  EXPECT_TRUE(take(*a).names.empty());
}

TEST_F(gateway_flow, conversation_new_and_joined_carry_the_receivers_read_state) {
  auto b = connect("bob");
  auto id = group("alice", {"bob"});
  auto created = take(*b);
  ASSERT_EQ(created.names, std::vector<std::string>{"conversation:new"});
  EXPECT_EQ(created.args[0].at("lastReadSeq"), 0);
  EXPECT_EQ(created.args[0].at("unreadCount"), 0);
  chat.send_message("alice", id, json::parse(R"({"content":"x"})")).value();
  chat.send_message("bob", id, json::parse(R"({"content":"y"})")).value();
  auto c = connect("carol");
  chat.add_participant("alice", id, json::parse(R"({"userId":"carol"})")).value();
  auto joined = take(*c);
  ASSERT_FALSE(joined.names.empty());
  ASSERT_EQ(joined.names[0], "conversation:joined");
  EXPECT_EQ(joined.args[0].at("lastReadSeq"), 0);
  EXPECT_EQ(joined.args[0].at("unreadCount"), 2);
}

TEST_F(gateway_flow, a_store_failure_is_internal_error_without_details) {
  auto id = group("alice", {"bob"});
  auto a = connect("alice");
  db.fail_next = true;
  emit(*a, "messages:sync", R"({"conversationId":")" + id + "\"}", 1);
  auto r = take(*a);
  ASSERT_EQ(r.names, (std::vector<std::string>{"error", "ACK"}));
  EXPECT_EQ(r.args[0].at("code"), "INTERNAL_ERROR");
  EXPECT_EQ(r.args[0].at("message"), "Internal server error");
  EXPECT_EQ(r.args[0].at("originalEvent"), "messages:sync");
  EXPECT_EQ(r.args[1].at("error").at("message"), "Internal server error");
}

TEST_F(gateway_flow, ping_sends_pong_event_then_ack) {
  auto a = connect("alice");
  emit(*a, "ping", "{}", 9);
  auto r = take(*a);
  ASSERT_EQ(r.names, (std::vector<std::string>{"pong", "ACK"}));
  EXPECT_EQ(r.args[1].at("event"), "pong");
  EXPECT_EQ(r.args[1].at("timestamp"), core::to_epoch_ms(clock.now()));
}

TEST_F(gateway_flow, a_removal_while_the_connect_read_is_in_flight_is_not_undone_by_it) {
  auto id = group("alice", {"bob"});
  auto a = connect("alice");
  defer = true;  // bob's conversation list is read now but answered later
  auto b = open(R"({"token":")" + minter.mint("bob", 1h, clock.now()) + "\"}");
  ASSERT_TRUE(chat.remove_participant("alice", id, "bob"));  // its events go out at once
  EXPECT_EQ(take(*b).names,
            (std::vector<std::string>{"conversation:removed"}));  // through user:bob
  run_deferred();  // the stale list (with `id`) arrives after the removal
  defer = false;
  auto r = take(*b);
  ASSERT_EQ(r.names, std::vector<std::string>{"connected"});
  EXPECT_EQ(r.args[0].at("rooms"), 1);  // user:bob only
  take(*a);
  emit(*a, "message:send", R"({"conversationId":")" + id + R"(","content":"after"})", 1);
  EXPECT_EQ(take(*a).names, (std::vector<std::string>{"message:new", "ACK"}));
  EXPECT_TRUE(take(*b).names.empty());  // nothing of that conversation reaches bob
}

TEST_F(gateway_flow,
       a_conversation_created_while_the_connect_read_is_in_flight_reaches_the_socket) {
  defer = true;
  auto b = open(R"({"token":")" + minter.mint("bob", 1h, clock.now()) + "\"}");
  auto id = group("alice", {"bob"});  // stored after the read: not in bob's list
  EXPECT_EQ(take(*b).names, (std::vector<std::string>{"conversation:new"}));
  run_deferred();
  defer = false;
  EXPECT_EQ(take(*b).names, (std::vector<std::string>{"connected"}));
  auto a = connect("alice");
  take(*b);
  emit(*a, "message:send", R"({"conversationId":")" + id + R"(","content":"hi"})", 1);
  EXPECT_EQ(take(*b).names, (std::vector<std::string>{"message:new"}));
}

TEST_F(gateway_flow,
       a_socket_gone_before_its_send_is_answered_gets_nothing_and_others_get_the_message) {
  auto id = group("alice", {"bob"});
  auto a = connect("alice");
  auto b = connect("bob");
  take(*a);
  defer = true;
  emit(*a, "message:send", R"({"conversationId":")" + id + R"(","content":"late"})", 7);
  a->drop("transport close");
  run_deferred();  // the stored message's broadcast, then the ack to a closed socket
  defer = false;
  auto r = take(*b);
  ASSERT_FALSE(r.names.empty());
  EXPECT_EQ(r.names.front(), "message:new");
  EXPECT_EQ(r.of("message:new").at("content"), "late");
  EXPECT_EQ(chat.sync("bob", id, {}).value().messages.size(), 1u);
}

/// Contract §9: a socket whose token reaches `exp` is told TOKEN_EXPIRED and disconnected.
struct token_expiry_flow : gateway_flow {
  token_expiry_flow() {
    clock.set(core::sys_time_ms(std::chrono::milliseconds(1'800'000'000'000)));
  }
  /// Alice on a token that expires 100 ms from the clock's "now" (real time for the timer).
  std::shared_ptr<fake_engine_socket> connect_short(const std::string& user) {
    auto token = minter.mint(user, 1s, clock.now());
    clock.advance(900ms);
    auto c = open(R"({"token":")" + token + "\"}");
    EXPECT_EQ(take(*c).names, std::vector<std::string>{"connected"});
    return c;
  }
};

TEST_F(token_expiry_flow, expired_token_gets_token_expired_then_disconnect) {
  auto c = connect_short("alice");
  h.run_for(50ms);
  EXPECT_TRUE(take(*c).names.empty());  // not yet
  h.run_for(300ms);
  auto r = take(*c);
  ASSERT_EQ(r.names, (std::vector<std::string>{"error", "DISCONNECT"}));
  EXPECT_EQ(r.args[0].at("code"), "TOKEN_EXPIRED");
  EXPECT_TRUE(r.args[0].at("message").is_string());
  EXPECT_TRUE(r.args[0].at("timestamp").is_string());
  EXPECT_EQ(map.socket_count(), 0u);
}

TEST_F(token_expiry_flow, refresh_with_the_same_user_moves_the_deadline) {
  auto c = connect_short("alice");
  const auto fresh = minter.mint("alice", 1h, clock.now());
  emit(*c, "auth:refresh", R"({"token":")" + fresh + "\"}", 4);
  auto r = take(*c);
  ASSERT_EQ(r.names, std::vector<std::string>{"ACK"});
  EXPECT_EQ(r.args[0].at("success"), true);
  const core::sys_time_ms exp = std::chrono::floor<std::chrono::seconds>(clock.now()) + 1h;
  EXPECT_EQ(r.args[0].at("expiresAt").as_string(), core::to_iso8601(exp));
  h.run_for(400ms);
  EXPECT_TRUE(take(*c).names.empty());
  EXPECT_EQ(map.socket_count(), 1u);
}

TEST_F(token_expiry_flow, refresh_with_another_users_token_is_unauthorized_and_changes_nothing) {
  auto c = connect_short("alice");
  emit(*c, "auth:refresh", R"({"token":")" + minter.mint("mallory", 1h, clock.now()) + "\"}", 5);
  auto r = take(*c);
  ASSERT_EQ(r.names, (std::vector<std::string>{"error", "ACK"}));
  EXPECT_EQ(r.args[0].at("code"), "UNAUTHORIZED");
  EXPECT_EQ(r.args[1].at("success"), false);
  h.run_for(400ms);
  r = take(*c);
  ASSERT_EQ(r.names, (std::vector<std::string>{"error", "DISCONNECT"}));
  EXPECT_EQ(r.args[0].at("code"), "TOKEN_EXPIRED");
}

TEST_F(token_expiry_flow, refresh_with_an_invalid_or_missing_token_is_unauthorized) {
  auto c = connect_short("alice");
  const auto other_key =
      auth::minter(auth::settings{"another-secret-0123456789abcdef0123", {}, {}, {}, {}})
          .mint("alice", 1h, clock.now());
  const std::vector<std::string> payloads{R"({"token":"a.b.c"})", R"({})", R"("x")",
                                          R"({"token":")" + other_key + "\"}"};
  for (const auto& payload : payloads) {
    emit(*c, "auth:refresh", payload, 6);
    auto r = take(*c);
    ASSERT_EQ(r.names, (std::vector<std::string>{"error", "ACK"})) << payload;
    EXPECT_EQ(r.args[0].at("code"), "UNAUTHORIZED") << payload;
  }
  h.run_for(400ms);
  EXPECT_EQ(take(*c).names, (std::vector<std::string>{"error", "DISCONNECT"}));
}

TEST_F(token_expiry_flow, a_socket_gone_before_expiry_leaves_no_timer_behind) {
  auto c = connect_short("alice");
  c->recv("1");  // the client disconnects
  take(*c);
  h.run_for(400ms);
  EXPECT_TRUE(take(*c).names.empty());
  EXPECT_EQ(map.socket_count(), 0u);
}

}  // namespace
}  // namespace chatgate::gateway
