#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>

#include "fake_engine_socket.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {
namespace {

using testing::fake_engine_socket;
using testing::harness;

TEST(socketio_connect, main_namespace_answers_with_a_socket_id) {
  harness h;
  std::shared_ptr<socket> got;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { got = s; });
  auto conn = h.open_session();
  conn->recv("0");
  ASSERT_TRUE(got);
  ASSERT_EQ(conn->sent.size(), 1u);
  auto answer = boost::json::parse(conn->last().substr(1));
  EXPECT_EQ(conn->last()[0], '0');
  EXPECT_EQ(answer.as_object().size(), 1u);
  EXPECT_EQ(answer.at("sid").as_string(), got->id());
  EXPECT_EQ(got->id().size(), 20u);
  EXPECT_NE(got->id(), conn->id());  // protocol 5: socket id distinct from the session id
  EXPECT_TRUE(got->connected());
  EXPECT_EQ(got->rooms(), std::set<std::string>{got->id()});
  EXPECT_EQ(got->session_id(), conn->id());
}

TEST(socketio_connect, auth_payload_query_and_headers_reach_the_handshake) {
  harness h;
  std::shared_ptr<socket> got;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { got = s; });
  auto conn = h.open_session();
  conn->recv(R"(0{"token":"123","n":2})");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->handshake().auth.at("token").as_string(), "123");
  EXPECT_EQ(got->handshake().query().find("token"), "q");
  EXPECT_EQ(got->handshake().headers().find("user-agent"), "test");
  EXPECT_GT(got->handshake().issued, 0);
}

TEST(socketio_connect, forget_auth_drops_a_key_and_an_emptied_auth) {
  harness h;
  std::shared_ptr<socket> got;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { got = s; });
  auto conn = h.open_session();
  conn->recv(R"(0{"token":"123","n":2})");
  ASSERT_TRUE(got);
  got->forget_auth("token");
  EXPECT_FALSE(got->handshake().auth.contains("token"));
  EXPECT_EQ(got->handshake().auth.at("n").as_int64(), 2);
  got->forget_auth("absent");  // harmless
  got->forget_auth("n");
  EXPECT_TRUE(got->handshake().auth.empty());
  EXPECT_TRUE(got->connected());
}

TEST(socketio_connect, a_session_in_two_namespaces_routes_each_and_closes_both) {
  // The client keeps its namespaces' sockets in a vector: a second namespace, a packet to each,
  // a second CONNECT to a joined namespace (invalid: closes), and the close reaching both.
  harness h;
  h.io.of("/custom");
  std::vector<std::string> events;
  std::vector<std::string> reasons;
  for (const char* name : {"/", "/custom"}) {
    h.io.of(name).on_connection([&, name](std::shared_ptr<socket> s) {
      s->on("hi", [&, name](const args&, ack_fn) { events.push_back(name); });
      s->on_disconnect([&, name](std::string_view r) {
        reasons.push_back(std::string(name) + ":" + std::string(r));
      });
    });
  }
  auto conn = h.open_session();
  conn->recv("0");
  conn->recv("0/custom,");
  EXPECT_EQ(h.io.of("/").sockets().size(), 1u);
  EXPECT_EQ(h.io.of("/custom").sockets().size(), 1u);
  conn->recv(R"(2["hi"])");
  conn->recv(R"(2/custom,["hi"])");
  EXPECT_EQ(events, (std::vector<std::string>{"/", "/custom"}));
  conn->recv("0/custom,");  // a second CONNECT for a joined namespace
  EXPECT_TRUE(conn->closed);
  EXPECT_EQ(reasons.size(), 2u);
  EXPECT_TRUE(h.io.of("/").sockets().empty());
  EXPECT_TRUE(h.io.of("/custom").sockets().empty());
}

TEST(socketio_connect, custom_namespace_and_unknown_namespace) {
  harness h;
  h.io.of("/custom");
  auto conn = h.open_session();
  conn->recv("0/custom,");
  EXPECT_EQ(conn->last().rfind("0/custom,{\"sid\":", 0), 0u) << conn->last();
  conn->recv("0/random");
  EXPECT_EQ(conn->last(), R"(4/random,{"message":"Invalid namespace"})");
  EXPECT_FALSE(conn->closed);
  EXPECT_EQ(h.io.find("/random"), nullptr);
}

TEST(socketio_connect, middleware_refusal_sends_connect_error_with_data) {
  harness h;
  int connections = 0;
  h.io.of("/").use([](socket& s, namespace_::next_fn next) {
    if (!s.handshake().auth.contains("token")) {
      return next(connect_error{"not authorized", boost::json::object{{"code", "UNAUTHORIZED"}}});
    }
    next(std::nullopt);
  });
  h.io.of("/").on_connection([&](std::shared_ptr<socket>) { ++connections; });
  auto conn = h.open_session();
  conn->recv("0");
  EXPECT_EQ(conn->last(), R"(4{"message":"not authorized","data":{"code":"UNAUTHORIZED"}})");
  EXPECT_EQ(connections, 0);
  EXPECT_TRUE(h.io.of("/").sockets().empty());
  EXPECT_TRUE(h.io.of("/").adapter().rooms().empty());
  conn->recv(R"(0{"token":"t"})");
  EXPECT_EQ(connections, 1);
  EXPECT_EQ(conn->last()[0], '0');
}

TEST(socketio_connect, middlewares_run_in_order_and_may_finish_later) {
  harness h;
  std::vector<int> order;
  h.io.of("/").use([&](socket& s, namespace_::next_fn next) {
    order.push_back(1);
    s.join("early");  // rooms joined in a middleware are kept
    boost::asio::post(h.ioc, [next] { next(std::nullopt); });
  });
  h.io.of("/").use([&](socket&, namespace_::next_fn next) {
    order.push_back(2);
    next(std::nullopt);
  });
  std::shared_ptr<socket> got;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { got = s; });
  auto conn = h.open_session();
  conn->recv("0");
  EXPECT_FALSE(got);
  h.run_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(got);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_TRUE(got->rooms().count("early"));
}

TEST(socketio_connect, session_closed_while_middleware_pending_drops_the_socket) {
  harness h;
  namespace_::next_fn saved;
  h.io.of("/").use([&](socket& s, namespace_::next_fn next) {
    s.join("r");
    saved = next;
  });
  int connections = 0;
  h.io.of("/").on_connection([&](std::shared_ptr<socket>) { ++connections; });
  auto conn = h.open_session();
  conn->recv("0");
  conn->drop("transport close");
  saved(std::nullopt);
  EXPECT_EQ(connections, 0);
  EXPECT_EQ(conn->sent.size(), 0u);
  EXPECT_EQ(h.io.of("/").adapter().room_size("r"), 0u);
}

TEST(socketio_connect, multiplexes_namespaces_over_one_session) {
  harness h;
  std::vector<std::string> seen;
  for (std::string name : {"/", "/custom"}) {
    h.io.of(name).on_connection([&seen, name](std::shared_ptr<socket> s) {
      s->on("m", [&seen, name](const boost::json::array& a, ack_fn) {
        seen.push_back(name + ":" + std::string(a.at(0).as_string()));
      });
    });
  }
  auto conn = h.connect("/");
  conn->recv("0/custom,");
  conn->recv(R"(2["m","a"])");
  conn->recv(R"(2/custom,["m","b"])");
  conn->recv("1/custom,");
  conn->recv(R"(2["m","c"])");
  EXPECT_EQ(seen, (std::vector<std::string>{"/:a", "/custom:b", "/:c"}));
  EXPECT_FALSE(conn->closed);
  EXPECT_EQ(h.io.of("/custom").sockets().size(), 0u);
  EXPECT_EQ(h.io.of("/").sockets().size(), 1u);
}

TEST(socketio_connect, connect_timeout_closes_a_session_that_never_connects) {
  settings s;
  s.connect_timeout = std::chrono::milliseconds(300);  // wide margins: CI machines are loaded
  harness h(s);
  auto idle = h.open_session();
  auto prompt = h.open_session();
  prompt->recv("0");
  h.run_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(idle->closed);  // before the limit
  h.run_for(std::chrono::milliseconds(600));
  EXPECT_TRUE(idle->closed);  // past it
  EXPECT_FALSE(prompt->closed);
  EXPECT_EQ(h.io.client_count(), 1u);
}

TEST(socketio_connect, connect_timeout_also_applies_after_a_refused_connect) {
  settings s;
  s.connect_timeout = std::chrono::milliseconds(20);
  harness h(s);
  auto conn = h.open_session();
  conn->recv("0/nope,");
  h.run_for(std::chrono::milliseconds(50));
  EXPECT_TRUE(conn->closed);
}

struct close_case {
  const char* name;
  std::vector<std::string> input;
};

class socketio_invalid : public ::testing::TestWithParam<close_case> {};

TEST_P(socketio_invalid, closes_the_session) {
  harness h;
  std::string reason;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) {
    s->on_disconnect([&](std::string_view r) { reason = r; });
  });
  auto conn = h.connect();
  for (const auto& in : GetParam().input) conn->recv(in);
  EXPECT_TRUE(conn->closed);
  EXPECT_EQ(reason, "parse error");
  EXPECT_TRUE(h.io.of("/").sockets().empty());
  EXPECT_EQ(h.io.client_count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    packets, socketio_invalid,
    ::testing::Values(close_case{"unknown_type", {"abc"}}, close_case{"event_object", {"2{}"}},
                      close_case{"bad_ack_id", {R"(2abc["m"])"}},
                      close_case{"bad_json", {R"(2["m")"}},
                      close_case{"name_not_string", {R"(2[{}])"}},
                      close_case{"text_during_binary",
                                 {R"(51-["m",{"_placeholder":true,"num":0}])", "2[\"m\"]"}},
                      close_case{"too_many_attachments", {R"(511-["m"])"}}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(socketio_connect, binary_without_header_closes_the_session) {
  harness h;
  auto conn = h.connect();
  conn->recv_binary("x");
  EXPECT_TRUE(conn->closed);
}

TEST(socketio_connect, packet_for_a_namespace_not_joined_closes_the_session) {
  harness h;
  h.io.of("/custom");
  auto conn = h.connect();
  conn->recv(R"(2/custom,["m"])");
  EXPECT_TRUE(conn->closed);
}

TEST(socketio_connect, disconnect_reasons) {
  harness h;
  std::vector<std::string> reasons;
  std::vector<std::shared_ptr<socket>> sockets;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) {
    sockets.push_back(s);
    s->on_disconnect([&](std::string_view r) { reasons.emplace_back(r); });
  });
  auto a = h.connect();
  a->recv("1");
  EXPECT_FALSE(a->closed);

  auto b = h.connect();
  sockets.back()->disconnect();
  EXPECT_EQ(b->last(), "1");
  EXPECT_FALSE(b->closed);
  EXPECT_FALSE(sockets.back()->connected());
  EXPECT_FALSE(sockets.back()->emit("late"));

  auto c = h.connect();
  sockets.back()->disconnect(true);
  EXPECT_EQ(c->last(), "1");
  EXPECT_TRUE(c->closed);

  auto d = h.connect();
  d->drop("transport close");
  auto e = h.connect();
  e->drop("ping timeout");
  EXPECT_EQ(reasons, (std::vector<std::string>{
                         "client namespace disconnect", "server namespace disconnect",
                         "server namespace disconnect", "transport close", "ping timeout"}));
  EXPECT_TRUE(h.io.of("/").sockets().empty());
  EXPECT_TRUE(h.io.of("/").adapter().rooms().empty());
}

TEST(socketio_connect, disconnecting_still_sees_rooms) {
  harness h;
  std::size_t rooms_then = 0;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) {
    s->join("a");
    s->on_disconnecting([&rooms_then, s](std::string_view) { rooms_then = s->rooms().size(); });
  });
  auto conn = h.connect();
  conn->drop("transport close");
  EXPECT_EQ(rooms_then, 2u);
}

TEST(socketio_connect, server_close_disconnects_everyone) {
  harness h;
  std::string reason;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) {
    s->on_disconnect([&](std::string_view r) { reason = r; });
  });
  auto conn = h.connect();
  h.io.close();
  EXPECT_TRUE(conn->closed);
  EXPECT_EQ(reason, "server shutting down");
}

}  // namespace
}  // namespace chatgate::socketio
