// cluster::shard_adapter with another instance behind thread 0 (REDIS_URL with IO_THREADS > 1),
// over a fake instance_link: what leaves for the other instances leaves once, from thread 0, in
// the order its sender saw the store events; what arrives reaches every thread once.
#include <gtest/gtest.h>

#include "../socketio/fake_engine_socket.hpp"
#include "cluster/shard_adapter.hpp"
#include "socketio/socket.hpp"

namespace chatgate::cluster {
namespace {

using socketio::testing::harness;

std::string rooms_of(const socketio::broadcast_options& opts) {
  std::string out;
  for (const auto& r : opts.rooms) out += (out.empty() ? "" : ",") + r;
  return out + (opts.flags.local ? " local" : "");
}

/// What thread 0's link was asked to send, one line each.
struct fake_link final : instance_link {
  void send_broadcast(const socketio::packet& p, const socketio::broadcast_options& o) override {
    sent.push_back("broadcast " + socketio::encode_text(p) + " to " + rooms_of(o));
  }
  void send_add_sockets(const socketio::broadcast_options& o,
                        const std::vector<std::string>& rooms) override {
    sent.push_back("join " + rooms_of(o) + " -> " + rooms.front());
  }
  void send_del_sockets(const socketio::broadcast_options& o,
                        const std::vector<std::string>& rooms) override {
    sent.push_back("leave " + rooms_of(o) + " -> " + rooms.front());
  }
  void send_disconnect_sockets(const socketio::broadcast_options& o, bool) override {
    sent.push_back("disconnect " + rooms_of(o));
  }
  void send_server_side_emit(const socketio::packet& p) override {
    sent.push_back("server " + socketio::encode_text(p));
  }
  std::vector<std::string> sent;
};

struct linked_shards {
  linked_shards() : bus({h[0].ioc.get_executor(), h[1].ioc.get_executor()}) {
    auto dir = std::make_shared<shard_adapter::directory>(2, true);
    shard_adapter::link_factory make = [this](socketio::namespace_&, process_sockets& p) {
      auto l = std::make_unique<fake_link>();
      link = l.get();
      process = &p;
      return l;
    };
    for (std::size_t k = 0; k < 2; ++k) {
      h[k].io.set_adapter(
          shard_adapter::factory(bus, dir, k, k == 0 ? make : shard_adapter::link_factory{}));
      h[k].io.of("/").on_connection([](std::shared_ptr<socketio::socket> s) { s->join("room"); });
    }
  }
  void run() {
    for (int round = 0; round < 3; ++round)
      for (auto& x : h) {
        x.ioc.restart();
        x.ioc.poll();
      }
  }
  harness h[2];
  shard_bus bus;
  fake_link* link = nullptr;
  process_sockets* process = nullptr;
};

TEST(shard_link, only_thread_0_holds_the_link) {
  linked_shards t;
  ASSERT_NE(t.link, nullptr);
  EXPECT_EQ(static_cast<shard_adapter&>(t.h[0].io.of("/").adapter()).link(), t.link);
  EXPECT_EQ(static_cast<shard_adapter&>(t.h[1].io.of("/").adapter()).link(), nullptr);
}

TEST(shard_link, a_broadcast_from_any_thread_leaves_once_from_thread_0) {
  linked_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.h[1].io.of("/").to("room").emit("typing", {1});
  EXPECT_EQ(t.link->sent, std::vector<std::string>{});  // not before thread 0 runs the relay
  t.run();
  EXPECT_EQ(t.link->sent, std::vector<std::string>{R"(broadcast 2["typing",1] to room)"});
  EXPECT_EQ(a->take(), std::vector<std::string>{R"(2["typing",1])"});
  EXPECT_EQ(b->take(), std::vector<std::string>{R"(2["typing",1])"});
  t.h[0].io.of("/").to("room").emit("typing", {2});
  t.run();
  EXPECT_EQ(t.link->sent.size(), 2u);
  EXPECT_EQ(t.link->sent.back(), R"(broadcast 2["typing",2] to room)");
}

TEST(shard_link, room_changes_leave_once_and_local_ones_stay) {
  linked_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.h[1].io.of("/").in("room").sockets_join("other");
  t.h[1].io.of("/").in("room").local().sockets_leave("room");  // outside a store event
  t.run();
  EXPECT_EQ(t.link->sent, std::vector<std::string>{"join room -> other"});
}

TEST(shard_link, a_store_event_leaves_once_from_thread_0s_run) {
  // Every thread runs the store event with the local flag, each on its sockets; thread 0's run
  // also sends it (emits and room changes) to the other instances, without the local flag.
  linked_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.bus.publish([&] {
    auto& nsp = t.h[shard_bus::current()].io.of("/");
    nsp.in("room").local().sockets_join("conversation:c");
    nsp.to("conversation:c").local().emit("message:new", {1});
  });
  t.run();
  EXPECT_EQ(t.link->sent, (std::vector<std::string>{"join room -> conversation:c",
                                                    R"(broadcast 2["message:new",1] to )"
                                                    "conversation:c"}));
  EXPECT_EQ(a->take(), std::vector<std::string>{R"(2["message:new",1])"});
  EXPECT_EQ(b->take(), std::vector<std::string>{R"(2["message:new",1])"});
}

TEST(shard_link, a_relay_to_the_link_leaves_after_the_store_event_its_sender_had_seen) {
  // Thread 1 ran message:new and sent a typing stop; thread 0 has not run the event yet: the
  // typing reaches the link only after thread 0 sent the message.
  linked_shards t;
  t.bus.publish(
      [&] { t.h[shard_bus::current()].io.of("/").to("room").local().emit("message:new", {1}); });
  t.h[1].ioc.restart();
  t.h[1].ioc.poll();  // thread 1 first
  t.h[1].io.of("/").to("room").emit("typing", {2});
  t.run();
  EXPECT_EQ(t.link->sent, (std::vector<std::string>{R"(broadcast 2["message:new",1] to room)",
                                                    R"(broadcast 2["typing",2] to room)"}));
}

TEST(shard_link, what_arrives_reaches_every_thread_once_and_does_not_go_back) {
  linked_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  socketio::broadcast_options opts;
  opts.rooms.insert("room");
  t.process->deliver(socketio::make_event_packet("/", "message:new", {7}), opts);
  t.process->remote_join(opts, {"other"});
  t.run();
  EXPECT_EQ(a->take(), std::vector<std::string>{R"(2["message:new",7])"});
  EXPECT_EQ(b->take(), std::vector<std::string>{R"(2["message:new",7])"});
  EXPECT_EQ(t.h[0].io.of("/").adapter().room_size("other"), 1u);
  EXPECT_EQ(t.h[1].io.of("/").adapter().room_size("other"), 1u);
  EXPECT_EQ(t.link->sent, std::vector<std::string>{});
}

TEST(shard_link, gather_asks_every_thread_and_answers_on_thread_0) {
  linked_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  auto c = t.h[1].connect();
  std::vector<boost::json::value> got;
  bool answered = false;
  t.process->gather([](socketio::adapter& ad) { return boost::json::value(ad.room_size("room")); },
                    [&](std::vector<boost::json::value> v) {
                      got = std::move(v);
                      answered = true;
                    });
  EXPECT_FALSE(answered);  // thread 1 has not answered yet
  t.run();
  ASSERT_TRUE(answered);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].to_number<int>() + got[1].to_number<int>(), 3);
}

}  // namespace
}  // namespace chatgate::cluster
