// The gateway over a connection map that answers later (as the Redis one will): events before the
// registration is answered are refused, a socket gone meanwhile is unregistered, and nothing is
// announced for it.
#include <deque>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "../chat/test_store.hpp"
#include "../socketio/fake_engine_socket.hpp"
#include "auth/minter.hpp"
#include "chat/async_chat.hpp"
#include "cluster/local_connection_map.hpp"
#include "forwarding_map.hpp"
#include "gateway/chat_gateway.hpp"

namespace chatgate::gateway {
namespace {

namespace json = boost::json;
using socketio::testing::fake_engine_socket;
using namespace std::chrono_literals;

const std::string secret = "unit-secret-0123456789abcdef0123456789";

/// Queues register/remove answers until flush(); other queries answer at once.
class deferred_map final : public testing::forwarding_map {
 public:
  void register_connection(const std::string& s, const std::string& u,
                           callback<std::size_t> done) override {
    queue.push_back([this, s, u, done] { local.register_connection(s, u, done); });
  }
  void remove_connection(const std::string& s, const std::string& u,
                         callback<std::size_t> done) override {
    queue.push_back([this, s, u, done] { local.remove_connection(s, u, done); });
  }
  void flush() {
    while (!queue.empty()) {
      auto f = std::move(queue.front());
      queue.pop_front();
      f();
    }
  }
  std::deque<std::function<void()>> queue;
};

/// Event names of the EVENT packets sent to `c` (then cleared); "ACK:<code or ok>" for acks.
std::vector<std::string> names(fake_engine_socket& c) {
  std::vector<std::string> out;
  for (const auto& text : c.take()) {
    if (text.starts_with("2")) {
      out.push_back(std::string(json::parse(text.substr(1)).as_array().at(0).as_string()));
    } else if (text.starts_with("3")) {
      auto v = json::parse(text.substr(text.find('['))).as_array().at(0).as_object();
      const auto* ok = v.if_contains("success");
      out.push_back(!ok || ok->as_bool()
                        ? "ACK:ok"
                        : "ACK:" + std::string(v.at("error").at("code").as_string()));
    } else if (text == "1") {
      out.push_back("DISCONNECT");
    }
  }
  return out;
}

struct async_map : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {100, 10s}};
  chat::chat_service chat{db, clock, limiter};
  chat::inline_runner runner{chat};  // store calls at once, answers at once: no threads
  chat::async_chat async{runner, [](std::function<void()> f) { f(); }};
  auth::verifier verifier = auth::verifier::create(auth::settings{secret, {}, {}, {}, {}}).value();
  auth::minter minter{auth::settings{secret, {}, {}, {}, {}}};
  deferred_map map;
  socketio::testing::harness h;
  chat_gateway gw{h.io.of("/"), async, verifier, map, clock, gateway_settings{1}};
  int sessions = 0;

  async_map() { chat.set_events(&gw.events()); }

  std::shared_ptr<fake_engine_socket> open(const std::string& user) {
    auto c = std::make_shared<fake_engine_socket>("e" + std::to_string(++sessions));
    h.io.accept(c);
    c->recv(R"(0{"token":")" + minter.mint(user, 1h, clock.now()) + "\"}");
    c->sent.clear();  // the CONNECT answer
    return c;
  }
};

TEST_F(async_map, events_before_registration_are_refused_then_served) {
  auto a = open("alice");
  a->recv(R"(21["ping",{}])");
  EXPECT_EQ(names(*a), (std::vector<std::string>{"pong", "ACK:ok"}));  // ping needs no user
  a->recv(R"(22["room:leave",{"conversationId":"0123456789abcdef01234567"}])");
  EXPECT_EQ(names(*a), (std::vector<std::string>{"error", "ACK:UNAUTHORIZED"}));
  map.flush();
  EXPECT_EQ(names(*a), std::vector<std::string>{"connected"});
  a->recv(R"(23["room:leave",{"conversationId":"0123456789abcdef01234567"}])");
  EXPECT_EQ(names(*a), std::vector<std::string>{"ACK:ok"});
}

TEST_F(async_map, a_socket_gone_before_the_answer_is_unregistered_and_never_announced) {
  auto b = open("bob");
  map.flush();
  names(*b);
  chat.create_conversation("bob", json::parse(R"({"type":"group","participantIds":["alice"]})"))
      .value();
  names(*b);
  auto a = open("alice");
  a->drop("transport close");
  map.flush();
  EXPECT_EQ(map.local.count("alice"), 0u);
  EXPECT_TRUE(names(*b).empty());  // neither online nor offline
}

TEST_F(async_map, the_limit_is_checked_on_the_answered_count) {
  auto a1 = open("alice");
  auto a2 = open("alice");
  map.flush();
  EXPECT_EQ(names(*a1), std::vector<std::string>{"connected"});
  EXPECT_EQ(names(*a2), (std::vector<std::string>{"error", "DISCONNECT"}));
  map.flush();  // the refused socket's removal
  EXPECT_EQ(map.local.count("alice"), 1u);
}

}  // namespace
}  // namespace chatgate::gateway
