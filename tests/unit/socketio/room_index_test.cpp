// The in-memory adapter's room index against a plain model (std::map of std::set), through
// thousands of random joins and leaves: the O(1) leave (a member's slot filled by the last one)
// must never lose or mix up a membership. And the room named by a socket's own id, which is a
// flag rather than a room entry, must look like any other room from outside.
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fake_engine_socket.hpp"
#include "socketio/in_memory_adapter.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {
namespace {

using testing::harness;

struct model {
  std::map<std::string, std::set<std::string>> rooms_of;  // id -> rooms
  void join(const std::string& id, const std::string& room) { rooms_of[id].insert(room); }
  void leave(const std::string& id, const std::string& room) {
    if (auto it = rooms_of.find(id); it != rooms_of.end()) it->second.erase(room);
  }
  void leave_all(const std::string& id) { rooms_of.erase(id); }
  std::size_t size(const std::string& room) const {
    std::size_t n = 0;
    for (const auto& [id, rooms] : rooms_of) n += rooms.count(room);
    return n;
  }
  std::vector<std::string> rooms() const {
    std::set<std::string> out;
    for (const auto& [id, rooms] : rooms_of) out.insert(rooms.begin(), rooms.end());
    return {out.begin(), out.end()};
  }
};

TEST(socketio_room_index, random_joins_and_leaves_match_a_plain_model) {
  harness h;
  in_memory_adapter a(h.io.of("/"));
  model m;
  std::mt19937 rng(12345);
  std::vector<std::string> ids, names;
  // Ids of both forms of the adapter's compact keys: in place (up to 23 characters, as real
  // 20-character ids) and on the heap (longer).
  for (int i = 0; i < 40; ++i)
    ids.push_back((i % 2 ? "socket-id-number-" : "a-socket-id-longer-than-23-characters-") +
                  std::to_string(i));
  for (int i = 0; i < 12; ++i) names.push_back("conversation:" + std::to_string(i));
  names.push_back(ids[3]);  // a room named like a socket's id: joined by others too
  names.push_back(ids[4]);  // the same with a long id
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  for (int step = 0; step < 20000; ++step) {
    const auto id = pick(ids);
    switch (rng() % 10) {
      case 0:
      case 1:
      case 2:
      case 3: {  // join one or several rooms (repeats included), maybe its own
        std::vector<std::string> rooms{pick(names), pick(names)};
        if (rng() % 3 == 0) rooms.push_back(id);
        a.add_all(id, rooms);
        for (const auto& r : rooms) m.join(id, r);
        break;
      }
      case 4:
      case 5:
      case 6: {
        const auto room = rng() % 4 == 0 ? id : pick(names);
        a.del(id, room);
        m.leave(id, room);
        break;
      }
      case 7:
        a.del_all(id);
        m.leave_all(id);
        break;
      default: {  // a few sockets' views, and a few rooms' sizes
        for (int k = 0; k < 3; ++k) {
          const auto other = pick(ids);
          const auto it = m.rooms_of.find(other);
          EXPECT_EQ(a.socket_rooms(other),
                    it == m.rooms_of.end() ? std::set<std::string>{} : it->second)
              << "step " << step << " socket " << other;
          const auto room = pick(names);
          EXPECT_EQ(a.room_size(room), m.size(room)) << "step " << step << " room " << room;
        }
      }
    }
  }
  EXPECT_EQ(a.rooms(), m.rooms());
  for (const auto& id : ids) a.del_all(id);
  for (const auto& id : ids) EXPECT_EQ(a.room_size(id), 0u);
  EXPECT_TRUE(a.rooms().empty());
}

TEST(socketio_room_index, a_socket_is_in_its_own_room_until_it_leaves_it) {
  harness h;
  std::vector<std::shared_ptr<socket>> sockets;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { sockets.push_back(s); });
  auto c0 = h.connect();
  auto c1 = h.connect();
  ASSERT_EQ(sockets.size(), 2u);
  auto& nsp = h.io.of("/");
  const auto id0 = sockets[0]->id();
  EXPECT_EQ(sockets[0]->rooms(), (std::set<std::string>{id0}));
  EXPECT_EQ(nsp.adapter().room_size(id0), 1u);
  nsp.to(id0).emit("direct", {1});
  EXPECT_EQ(c0->take(), (std::vector<std::string>{R"(2["direct",1])"}));
  EXPECT_TRUE(c1->take().empty());
  // The other socket joins a room named by the first one's id: both get what is sent there.
  sockets[1]->join(id0);
  EXPECT_EQ(nsp.adapter().room_size(id0), 2u);
  nsp.to(id0).emit("both");
  EXPECT_EQ(c0->take(), (std::vector<std::string>{R"(2["both"])"}));
  EXPECT_EQ(c1->take(), (std::vector<std::string>{R"(2["both"])"}));
  // Excepting that room excludes both; leaving its own room takes the first one out of it.
  nsp.except(id0).emit("rest");
  EXPECT_TRUE(c0->take().empty());
  EXPECT_TRUE(c1->take().empty());
  sockets[0]->leave(id0);
  EXPECT_EQ(sockets[0]->rooms(), (std::set<std::string>{}));
  nsp.to(id0).emit("one");
  EXPECT_TRUE(c0->take().empty());
  EXPECT_EQ(c1->take(), (std::vector<std::string>{R"(2["one"])"}));
  // Still a socket of the namespace: a broadcast to all reaches it.
  nsp.emit("all");
  EXPECT_EQ(c0->take(), (std::vector<std::string>{R"(2["all"])"}));
  EXPECT_EQ(c1->take(), (std::vector<std::string>{R"(2["all"])"}));
}

TEST(socketio_room_index, a_socket_in_several_target_rooms_gets_a_broadcast_once) {
  harness h;
  std::vector<std::shared_ptr<socket>> sockets;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { sockets.push_back(s); });
  std::vector<std::shared_ptr<testing::fake_engine_socket>> conns;
  for (int i = 0; i < 6; ++i) conns.push_back(h.connect());
  for (int i = 0; i < 6; ++i) sockets[i]->join(std::vector<std::string>{"a", i % 2 ? "b" : "c"});
  auto& nsp = h.io.of("/");
  // Twice in a row: the marks of one broadcast must not leak into the next.
  for (int round = 0; round < 2; ++round) {
    nsp.to(std::vector<std::string>{"a", "b", "c"}).except("c").emit("x");
    for (int i = 0; i < 6; ++i) {
      EXPECT_EQ(conns[i]->take().size(), i % 2 ? 1u : 0u) << "socket " << i << " round " << round;
    }
  }
  sockets[1]->disconnect();
  nsp.to("b").emit("y");
  for (const auto& p : conns[1]->take()) EXPECT_NE(p, R"(2["y"])");  // it left every room
  EXPECT_EQ(conns[3]->take(), (std::vector<std::string>{R"(2["y"])"}));
  EXPECT_EQ(nsp.adapter().room_size("b"), 2u);
  EXPECT_EQ(nsp.adapter().room_size("a"), 5u);
}

}  // namespace
}  // namespace chatgate::socketio
