// The typing indicator with a user's sockets on two io threads (IO_THREADS > 1): one owner
// thread keeps the user's typing (typing_owners), so the throttle, typing:stop from either socket
// and "the user's last socket is gone" hold across threads. Two threads' servers over one shard
// bus and one locked connection map, run by hand.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "../chat/test_store.hpp"
#include "../socketio/fake_engine_socket.hpp"
#include "cluster/locked_connection_map.hpp"
#include "cluster/shard_adapter.hpp"
#include "gateway/room_service.hpp"
#include "gateway/socket_user.hpp"
#include "gateway/typing_service.hpp"

namespace chatgate::gateway {
namespace {

namespace json = boost::json;
using socketio::testing::fake_engine_socket;
using socketio::testing::harness;

/// The `typing` events a client received, as "user:true" / "user:false".
std::vector<std::string> typings(fake_engine_socket& c) {
  std::vector<std::string> out;
  for (const auto& text : c.take()) {
    if (!text.starts_with(R"(2["typing")")) continue;
    auto e = json::parse(std::string_view(text).substr(1)).as_array().at(1).as_object();
    out.push_back(std::string(e.at("userId").as_string()) + ":" +
                  (e.at("isTyping").as_bool() ? "true" : "false"));
  }
  return out;
}

using lines = std::vector<std::string>;

struct typing_threads : ::testing::Test {
  test_support::manual_clock clock;
  cluster::locked_connection_map map;  // outlives the servers: their sockets leave it at the end
  harness h[2];
  cluster::shard_bus bus{{h[0].ioc.get_executor(), h[1].ioc.get_executor()}};
  std::shared_ptr<typing_owners> owners = std::make_shared<typing_owners>(
      std::vector<boost::asio::any_io_executor>{h[0].ioc.get_executor(), h[1].ioc.get_executor()});
  std::unique_ptr<typing_service> typing[2];
  std::string next_user;  // the user of the next connect()

  typing_threads() {
    auto dir = std::make_shared<cluster::shard_adapter::directory>(2);
    for (std::size_t k = 0; k < 2; ++k) {
      h[k].io.set_adapter(cluster::shard_adapter::factory(bus, dir, k));
      auto& nsp = h[k].io.of("/");
      typing[k] = std::make_unique<typing_service>(nsp, map, clock);
      typing[k]->set_owners(owners, k);
      typing[k]->bind(nsp);
      nsp.on_connection([this](std::shared_ptr<socketio::socket> s) {
        s->data() = socket_user{next_user};
        s->join(std::vector<std::string>{room_service::user_room(next_user),
                                         room_service::conversation_room("c")});
        map.register_connection(s->id(), next_user, [](std::size_t) {});
      });
      nsp.on_socket_disconnect([this](socketio::socket& s, std::string_view) {
        map.remove_connection(s.id(), user_of(s)->user_id, [](std::size_t) {});
      });
    }
  }
  std::shared_ptr<fake_engine_socket> connect(std::size_t thread, const std::string& user) {
    next_user = user;
    return h[thread].connect();
  }
  void run() {
    for (int round = 0; round < 4; ++round)
      for (auto& x : h) {
        x.ioc.restart();
        x.ioc.poll();
      }
  }
  /// A user whose typing thread 0 keeps.
  std::string owned_by(std::size_t thread) const {
    for (int i = 0;; ++i) {
      auto u = "user" + std::to_string(i);
      if (owners->owner_of(u) == thread) return u;
    }
  }
};

TEST_F(typing_threads, a_typist_on_two_threads_is_one_typist) {
  const auto u = owned_by(0);
  auto u0 = connect(0, u);
  auto u1 = connect(1, u);
  auto listener = connect(1, "listener");
  typing[1]->start(u, "c");  // from the socket on thread 1: decided on thread 0
  run();
  EXPECT_EQ(typings(*listener), lines{u + ":true"});
  EXPECT_TRUE(typing[1]->is_typing(u, "c"));  // thread 1 reads the owner's mirror
  typing[0]->start(u, "c");                   // within the throttle, from the other socket
  run();
  EXPECT_EQ(typings(*listener), lines{});
  EXPECT_EQ(typings(*u0), lines{});  // the typist's own sockets hear nothing
  EXPECT_EQ(typings(*u1), lines{});
}

TEST_F(typing_threads, typing_stop_from_the_other_thread_ends_it) {
  const auto u = owned_by(1);
  auto u0 = connect(0, u);
  auto listener = connect(0, "listener");
  typing[0]->start(u, "c");
  run();
  EXPECT_EQ(typings(*listener), lines{u + ":true"});
  ASSERT_TRUE(typing[0]->is_typing(u, "c"));
  typing[0]->stop(u, "c");
  run();
  EXPECT_EQ(typings(*listener), lines{u + ":false"});
  EXPECT_FALSE(typing[0]->is_typing(u, "c"));
  EXPECT_FALSE(typing[1]->is_typing(u, "c"));
}

TEST_F(typing_threads, typing_ends_when_the_last_socket_on_any_thread_goes) {
  // The typing began on thread 0 (its owner); the user's last socket is on thread 1.
  const auto u = owned_by(0);
  auto u0 = connect(0, u);
  auto u1 = connect(1, u);
  auto listener = connect(1, "listener");
  typing[0]->start(u, "c");
  run();
  EXPECT_EQ(typings(*listener), lines{u + ":true"});
  u0->drop("transport close");
  run();
  EXPECT_EQ(typings(*listener), lines{});  // u1 is still there
  u1->drop("transport close");
  run();
  EXPECT_EQ(typings(*listener), lines{u + ":false"});
  EXPECT_FALSE(typing[1]->is_typing(u, "c"));
}

TEST_F(typing_threads, a_store_event_on_every_thread_stops_the_typing_once) {
  const auto u = owned_by(1);
  auto u0 = connect(0, u);
  auto listener = connect(0, "listener");
  typing[0]->start(u, "c");
  run();
  EXPECT_EQ(typings(*listener), lines{u + ":true"});
  // message:new of the typist: socket_events calls stop on every thread inside the event.
  bus.publish([this, u] { typing[cluster::shard_bus::current()]->stop(u, "c"); });
  run();
  EXPECT_EQ(typings(*listener), lines{u + ":false"});
}

}  // namespace
}  // namespace chatgate::gateway
