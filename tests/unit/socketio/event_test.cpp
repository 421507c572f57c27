#include <gtest/gtest.h>

#include "fake_engine_socket.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {
namespace {

using testing::harness;

// The conformance server's "/" behaviour: echo `message`, ack `message-with-ack`.
void echo_handlers(harness& h) {
  h.io.of("/").on_connection([](std::shared_ptr<socket> s) {
    s->on("message", [s](const args& a, ack_fn) { s->emit("message-back", a); });
    s->on("message-with-ack", [](const args& a, ack_fn ack) {
      if (ack) ack(a);
    });
  });
}

TEST(socketio_event, plain_event_echo_keeps_json_bytes) {
  harness h;
  echo_handlers(h);
  auto conn = h.connect();
  conn->recv(R"(2["message",1,"2",{"3":[true]}])");
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(2["message-back",1,"2",{"3":[true]}])"}));
}

TEST(socketio_event, binary_event_echo_shares_the_received_buffers) {
  harness h;
  echo_handlers(h);
  auto conn = h.connect();
  conn->recv(R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  conn->recv_binary(std::string("\x01\x02\x03", 3));
  EXPECT_TRUE(conn->sent.empty());
  conn->recv_binary(std::string("\x04\x05\x06", 3));
  auto out = conn->take();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0],
            R"(52-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  EXPECT_EQ(out[1], "<bin:" + std::string("\x01\x02\x03", 3) + ">");
  EXPECT_EQ(out[2], "<bin:" + std::string("\x04\x05\x06", 3) + ">");
}

TEST(socketio_event, an_ack_with_encoded_args_sends_their_text_as_is) {
  harness h;
  h.io.of("/").on_connection([](std::shared_ptr<socket> s) {
    s->on("e", [](const args&, ack_fn ack) {
      if (ack) ack(args::encoded(R"([{"ok":true},2])"));
    });
  });
  auto conn = h.connect();
  conn->recv(R"(27["e"])");
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(37[{"ok":true},2])"}));
}

TEST(socketio_event, client_ack_plain_and_binary) {
  harness h;
  echo_handlers(h);
  auto conn = h.connect();
  conn->recv(R"(2456["message-with-ack",1,"2",{"3":[false]}])");
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(3456[1,"2",{"3":[false]}])"}));
  conn->recv(
      R"(52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  conn->recv_binary("a");
  conn->recv_binary("b");
  EXPECT_EQ(conn->take(),
            (std::vector<std::string>{
                R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])", "<bin:a>",
                "<bin:b>"}));
}

TEST(socketio_event, ack_is_empty_without_id_and_sent_once) {
  harness h;
  int calls = 0;
  bool had_ack = true;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) {
    s->on("e", [&](const args&, ack_fn ack) {
      ++calls;
      had_ack = static_cast<bool>(ack);
      if (ack) {
        ack({1});
        ack({2});
      }
    });
  });
  auto conn = h.connect();
  conn->recv(R"(2["e"])");
  EXPECT_FALSE(had_ack);
  EXPECT_TRUE(conn->sent.empty());
  conn->recv(R"(23["e"])");
  EXPECT_TRUE(had_ack);
  EXPECT_EQ(conn->take(), (std::vector<std::string>{"33[1]"}));
  EXPECT_EQ(calls, 2);
}

TEST(socketio_event, on_any_sees_every_event_and_numeric_names) {
  harness h;
  std::vector<std::string> seen;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) {
    s->on_any([&](std::string_view e, const args& a) {
      seen.push_back(std::string(e) + "/" + std::to_string(a.size()));
    });
  });
  auto conn = h.connect();
  conn->recv(R"(2["x",1,2])");
  conn->recv(R"(2[42])");
  EXPECT_EQ(seen, (std::vector<std::string>{"x/2", "42/0"}));
}

TEST(socketio_event, server_emit_with_ack_gets_the_reply) {
  harness h;
  std::shared_ptr<socket> s;
  h.io.of("/custom").on_connection([&](std::shared_ptr<socket> x) { s = x; });
  auto conn = h.connect("/custom");
  std::optional<ack_error> err;
  args reply;
  int calls = 0;
  ASSERT_TRUE(s->emit_with_ack("ask", {"q"}, [&](std::optional<ack_error> e, args r) {
    ++calls;
    err = e;
    reply = std::move(r);
  }));
  EXPECT_EQ(conn->last(), R"(2/custom,0["ask","q"])");
  conn->recv(R"(61-/custom,0["ok",{"_placeholder":true,"num":0}])");
  conn->recv_binary("z");
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(err);
  ASSERT_EQ(reply.size(), 2u);
  EXPECT_EQ(*reply.binary(reply[1]), "z");
  conn->recv(R"(3/custom,0["again"])");  // an ack already answered is ignored
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(conn->closed);
}

TEST(socketio_event, server_emit_with_ack_times_out) {
  harness h;
  std::shared_ptr<socket> s;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> x) { s = x; });
  auto conn = h.connect();
  std::optional<ack_error> err;
  s->emit_with_ack(
      "ask", {}, [&](std::optional<ack_error> e, args) { err = e; },
      std::chrono::milliseconds(300));
  h.run_for(std::chrono::milliseconds(20));  // wide margins: CI machines are loaded
  EXPECT_FALSE(err);
  h.run_for(std::chrono::milliseconds(600));
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "operation has timed out");
  conn->recv(R"(30["late"])");  // a late ack is ignored
  EXPECT_FALSE(conn->closed);
}

TEST(socketio_event, pending_acks_fail_on_disconnect) {
  harness h;
  std::shared_ptr<socket> s;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> x) { s = x; });
  auto conn = h.connect();
  std::optional<ack_error> err;
  s->emit_with_ack("ask", {}, [&](std::optional<ack_error> e, args) { err = e; });
  conn->drop("transport close");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->message, "socket has been disconnected");
}

TEST(socketio_event, pending_ack_limit_at_and_past) {
  settings cfg;
  cfg.max_pending_acks = 2;
  std::vector<std::string> errors;  // outlives the server, whose close fails pending acks
  harness h(cfg);
  std::shared_ptr<socket> s;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> x) { s = x; });
  auto conn = h.connect();
  auto cb = [&](std::optional<ack_error> e, args) { errors.push_back(e ? e->message : "ok"); };
  EXPECT_TRUE(s->emit_with_ack("a", {}, cb));
  EXPECT_TRUE(s->emit_with_ack("b", {}, cb));   // at the limit
  EXPECT_FALSE(s->emit_with_ack("c", {}, cb));  // past it
  EXPECT_TRUE(errors.empty());                  // reported asynchronously
  h.run_for(std::chrono::milliseconds(5));
  EXPECT_EQ(errors, (std::vector<std::string>{"too many pending acks"}));
  conn->recv("30[]");
  EXPECT_EQ(errors.back(), "ok");
  EXPECT_EQ(conn->sent.size(), 2u);
}

TEST(socketio_event, reserved_names_are_not_emitted) {
  harness h;
  std::shared_ptr<socket> s;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> x) { s = x; });
  auto conn = h.connect();
  EXPECT_FALSE(s->emit("disconnect"));
  EXPECT_FALSE(h.io.of("/").emit("connect"));
  EXPECT_TRUE(conn->sent.empty());
}

TEST(socketio_event, handler_may_disconnect_its_socket) {
  harness h;
  h.io.of("/").on_connection([](std::shared_ptr<socket> s) {
    s->on("bye", [s](const args&, ack_fn ack) {
      s->disconnect();
      if (ack) ack({"late"});  // dropped: the socket is gone
    });
  });
  auto conn = h.connect();
  conn->recv(R"(21["bye"])");
  EXPECT_EQ(conn->take(), (std::vector<std::string>{"1"}));
  EXPECT_TRUE(h.io.of("/").sockets().empty());
}

}  // namespace
}  // namespace chatgate::socketio

namespace chatgate::socketio {
namespace {

TEST(socketio_event, a_throwing_handler_is_contained) {
  testing::harness h;
  h.io.of("/").use([](socket& s, namespace_::next_fn next) {
    if (s.handshake().auth.contains("boom")) throw std::runtime_error("middleware bug");
    next(std::nullopt);
  });
  h.io.of("/").use([](socket&, namespace_::next_fn next) { next(std::nullopt); });
  h.io.of("/").on_connection([](std::shared_ptr<socket> s) {
    s->on("bad", [](const boost::json::array& a, ack_fn) { (void)a.at(5); });  // throws
    s->on("good", [s](const args&, ack_fn ack) {
      if (ack) ack({"fine"});
    });
    s->on_disconnect([](std::string_view) { throw std::logic_error("disconnect bug"); });
  });
  auto refused = h.open_session();
  refused->recv(R"(0{"boom":1})");
  EXPECT_EQ(refused->last(), R"(4{"message":"Internal server error"})");

  auto conn = h.connect();
  conn->recv(R"(2["bad"])");
  conn->recv(R"(21["good"])");
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(31["fine"])"}));
  conn->drop("transport close");
  EXPECT_TRUE(h.io.of("/").sockets().empty());
}

}  // namespace
}  // namespace chatgate::socketio

namespace chatgate::socketio {
namespace {

// Handlers registered once on the namespace serve every socket (no per-socket table).
TEST(socketio_event, namespace_handlers_serve_every_socket) {
  harness h;
  auto& nsp = h.io.of("/");
  std::vector<std::string> seen;
  nsp.on("hello", [&](socket& s, const args& a, ack_fn ack) {
    seen.push_back(s.id());
    if (ack) ack(a);
  });
  auto a = h.connect();
  auto b = h.connect();
  a->recv(R"(21["hello",1])");
  b->recv(R"(22["hello",2])");
  EXPECT_EQ(a->take(), std::vector<std::string>{"31[1]"});
  EXPECT_EQ(b->take(), std::vector<std::string>{"32[2]"});
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_NE(seen[0], seen[1]);
  EXPECT_EQ(nsp.find(seen[0])->id(), seen[0]);
  b->recv(R"(2["unknown"])");  // no handler anywhere: ignored
  EXPECT_TRUE(b->take().empty());
}

TEST(socketio_event, a_socket_handler_wins_over_the_namespace_one) {
  harness h;
  auto& nsp = h.io.of("/");
  int shared = 0, own = 0;
  nsp.on("hello", [&](socket&, const args&, ack_fn) { ++shared; });
  nsp.on_connection([&](std::shared_ptr<socket> s) {
    if (nsp.sockets().size() == 1) s->on("hello", [&](const args&, ack_fn) { ++own; });
  });
  auto a = h.connect();
  auto b = h.connect();
  a->recv(R"(2["hello"])");
  b->recv(R"(2["hello"])");
  EXPECT_EQ(own, 1);
  EXPECT_EQ(shared, 1);
}

TEST(socketio_event, namespace_disconnect_handlers_run_before_the_sockets_own) {
  harness h;
  auto& nsp = h.io.of("/");
  std::vector<std::string> order;
  nsp.on_socket_disconnect([&](socket& s, std::string_view reason) {
    EXPECT_FALSE(s.connected());
    order.push_back("namespace:" + std::string(reason));
  });
  nsp.on_connection([&](std::shared_ptr<socket> s) {
    s->on_disconnect([&](std::string_view) { order.push_back("socket"); });
  });
  auto a = h.connect();
  a->recv("1");
  EXPECT_EQ(order, (std::vector<std::string>{"namespace:client namespace disconnect", "socket"}));
}

}  // namespace
}  // namespace chatgate::socketio
