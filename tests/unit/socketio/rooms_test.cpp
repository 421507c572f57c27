#include <gtest/gtest.h>

#include "fake_engine_socket.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {
namespace {

using testing::fake_engine_socket;
using testing::harness;

struct room_harness : harness {
  room_harness() {
    io.of("/").on_connection([this](std::shared_ptr<socket> s) { sockets.push_back(s); });
  }
  /// n connected sessions; sockets[i] belongs to conns[i].
  void open(int n) {
    for (int i = 0; i < n; ++i) conns.push_back(connect());
  }
  std::vector<std::size_t> counts() const {
    std::vector<std::size_t> out;
    for (const auto& c : conns) out.push_back(c->sent.size());
    return out;
  }
  void clear() {
    for (auto& c : conns) c->sent.clear();
  }
  std::vector<std::shared_ptr<socket>> sockets;
  std::vector<std::shared_ptr<fake_engine_socket>> conns;
};

TEST(socketio_rooms, join_leave_and_rooms) {
  room_harness h;
  h.open(1);
  auto& s = h.sockets[0];
  s->join("a");
  s->join(std::vector<std::string>{"b", "c"});
  s->leave("b");
  EXPECT_EQ(s->rooms(), (std::set<std::string>{s->id(), "a", "c"}));
  EXPECT_EQ(h.io.of("/").adapter().room_size("a"), 1u);
  h.conns[0]->drop("transport close");
  EXPECT_EQ(h.io.of("/").adapter().room_size("a"), 0u);
  s->join("d");  // after the disconnect: ignored, as Node's join = noop
  EXPECT_TRUE(h.io.of("/").adapter().rooms().empty());
}

TEST(socketio_rooms, broadcast_to_rooms_except_and_all) {
  room_harness h;
  h.open(4);
  h.sockets[0]->join("a");
  h.sockets[1]->join("a");
  h.sockets[1]->join("b");
  h.sockets[2]->join("b");
  auto& nsp = h.io.of("/");

  nsp.to("a").emit("x");
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{1, 1, 0, 0}));
  h.clear();
  nsp.to("a").to("b").emit("x");  // union, each socket once
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{1, 1, 1, 0}));
  h.clear();
  nsp.to("b").except("a").emit("x");
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{0, 0, 1, 0}));
  h.clear();
  nsp.emit("x");
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{1, 1, 1, 1}));
  h.clear();
  nsp.except("b").emit("x");
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{1, 0, 0, 1}));
  h.clear();
  h.sockets[1]->to("a").emit("x");  // excludes the sender
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{1, 0, 0, 0}));
  h.clear();
  h.sockets[3]->broadcast().emit("x");
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{1, 1, 1, 0}));
  h.clear();
  nsp.to("nobody").emit("x");
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{0, 0, 0, 0}));
  EXPECT_EQ(h.conns[0]->texts().size(), 0u);
}

TEST(socketio_rooms, broadcast_is_encoded_once_and_shared) {
  room_harness h;
  h.open(3);
  args a{"hello"};
  a.push_binary(std::string("bytes"));
  h.io.of("/").emit("news", a);
  const auto* text = h.conns[0]->sent.at(0).data.get();
  const auto* bin = h.conns[0]->sent.at(1).data.get();
  EXPECT_EQ(*text, R"(51-["news","hello",{"_placeholder":true,"num":0}])");
  EXPECT_EQ(bin, a.attachments()[0].get());
  for (const auto& c : h.conns) {
    ASSERT_EQ(c->sent.size(), 2u);
    EXPECT_EQ(c->sent[0].data.get(), text);  // the same buffer, not an equal copy
    EXPECT_FALSE(c->sent[0].binary);
    EXPECT_EQ(c->sent[1].data.get(), bin);
    EXPECT_TRUE(c->sent[1].binary);
  }
}

TEST(socketio_rooms, broadcast_uses_the_namespace_prefix) {
  harness h;
  std::shared_ptr<socket> s;
  h.io.of("/chat").on_connection([&](std::shared_ptr<socket> x) { s = x; });
  auto conn = h.connect("/chat");
  auto other = h.connect("/");
  h.io.of("/chat").emit("m", {1});
  EXPECT_EQ(conn->last(), R"(2/chat,["m",1])");
  EXPECT_TRUE(other->sent.empty());
}

TEST(socketio_rooms, sockets_join_leave_and_disconnect_by_room) {
  room_harness h;
  h.open(3);
  h.sockets[0]->join("user:1");
  h.sockets[1]->join("user:1");
  auto& nsp = h.io.of("/");
  nsp.in("user:1").sockets_join("conversation:9");
  EXPECT_EQ(nsp.adapter().room_size("conversation:9"), 2u);
  EXPECT_TRUE(h.sockets[0]->rooms().count("conversation:9"));
  EXPECT_FALSE(h.sockets[2]->rooms().count("conversation:9"));

  nsp.sockets_leave({"user:1"}, {"conversation:9"});
  EXPECT_EQ(nsp.adapter().room_size("conversation:9"), 0u);

  nsp.sockets_join({}, {"everyone"});
  EXPECT_EQ(nsp.adapter().room_size("everyone"), 3u);

  EXPECT_EQ(nsp.fetch_sockets({"user:1"}).size(), 2u);
  EXPECT_EQ(nsp.fetch_sockets().size(), 3u);

  nsp.disconnect_sockets({"user:1"}, false);
  EXPECT_EQ(h.conns[0]->last(), "1");
  EXPECT_EQ(h.conns[1]->last(), "1");
  EXPECT_FALSE(h.conns[0]->closed);
  EXPECT_EQ(nsp.sockets().size(), 1u);
  nsp.in("everyone").disconnect_sockets(true);
  EXPECT_TRUE(h.conns[2]->closed);
  EXPECT_TRUE(nsp.sockets().empty());
}

TEST(socketio_rooms, a_recipient_closed_during_broadcast_does_not_break_it) {
  room_harness h;
  h.open(3);
  // The second recipient's transport closes while the packet is queued (a "slow client").
  struct closing_socket : fake_engine_socket {
    using fake_engine_socket::fake_engine_socket;
    void send_text(engineio::shared_bytes) override { drop("slow client"); }
  };
  auto slow = std::make_shared<closing_socket>("slow");
  std::string reason;
  h.io.accept(slow);
  slow->recv("0");  // the CONNECT answer itself closes it
  EXPECT_TRUE(slow->closed);
  h.io.of("/").emit("x");
  EXPECT_EQ(h.counts(), (std::vector<std::size_t>{1, 1, 1}));
}

TEST(socketio_rooms, a_member_joined_before_connecting_gets_broadcasts_once_connected) {
  // The adapter keeps each room member's socket once a broadcast found it connected; a socket
  // joined by a middleware is not a recipient until its connect completes, then is one.
  room_harness h;
  namespace_::next_fn saved;
  h.io.of("/").use([&](socket& s, namespace_::next_fn next) {
    s.join("r");
    saved = next;
  });
  auto& nsp = h.io.of("/");
  auto conn = h.open_session();
  conn->recv("0");
  ASSERT_TRUE(saved);
  nsp.to("r").emit("x");  // pending middleware: not connected, not a recipient
  EXPECT_EQ(conn->sent.size(), 0u);
  saved(std::nullopt);
  ASSERT_EQ(nsp.sockets().size(), 1u);
  auto first = nsp.sockets().begin()->second;
  conn->sent.clear();  // the CONNECT answer
  nsp.to("r").emit("x");
  nsp.to("r").emit("y");
  EXPECT_EQ(conn->texts(), (std::vector<std::string>{"2[\"x\"]", "2[\"y\"]"}));
  // Left and joined again, then gone: each change is seen by the next broadcast.
  conn->sent.clear();
  first->leave("r");
  nsp.to("r").emit("x");
  EXPECT_EQ(conn->sent.size(), 0u);
  first->join("r");
  nsp.to("r").emit("x");
  EXPECT_EQ(conn->sent.size(), 1u);
  conn->drop("transport close");
  first.reset();  // the namespace let go of it: a cached pointer would now dangle
  auto other = h.open_session();
  other->recv("0");
  saved(std::nullopt);  // the middleware again
  other->sent.clear();
  ASSERT_EQ(nsp.sockets().size(), 1u);
  nsp.sockets().begin()->second->join("r");
  nsp.to("r").emit("x");
  EXPECT_EQ(other->texts(), (std::vector<std::string>{"2[\"x\"]"}));
  EXPECT_EQ(nsp.adapter().room_size("r"), 1u);
}

}  // namespace
}  // namespace chatgate::socketio
