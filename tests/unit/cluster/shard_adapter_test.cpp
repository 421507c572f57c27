#include "cluster/shard_adapter.hpp"

#include <atomic>

#include <gtest/gtest.h>

#include "../socketio/fake_engine_socket.hpp"
#include "manual_queue.hpp"
#include "socketio/shared_encodings.hpp"
#include "socketio/socket.hpp"

namespace chatgate::cluster {
namespace {

using socketio::testing::harness;

/// Two io threads' Socket.IO servers (run by hand here) with shard adapters over one bus.
struct two_shards {
  two_shards() : bus({h[0].ioc.get_executor(), h[1].ioc.get_executor()}) {
    auto dir = std::make_shared<shard_adapter::directory>(2);
    for (std::size_t k = 0; k < 2; ++k) {
      h[k].io.set_adapter(shard_adapter::factory(bus, dir, k));
      h[k].io.of("/").on_connection([this, k](std::shared_ptr<socketio::socket> s) {
        s->join("room");
        sockets[k].push_back(std::move(s));
      });
    }
  }
  void run() {
    for (auto& x : h) {
      x.ioc.restart();
      x.ioc.poll();
    }
  }
  shard_adapter& adapter(std::size_t k) {
    return static_cast<shard_adapter&>(h[k].io.of("/").adapter());
  }

  harness h[2];
  shard_bus bus;
  std::vector<std::shared_ptr<socketio::socket>> sockets[2];  // connected, per thread
};

TEST(shard_adapter, a_room_broadcast_reaches_the_room_on_every_thread_once) {
  two_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  auto outsider = t.h[1].connect();
  t.sockets[1].back()->leave("room");  // the outsider is not in the room
  t.h[0].io.of("/").to("room").emit("typing", {1});
  EXPECT_EQ(b->texts(), std::vector<std::string>{});  // not before thread 1 runs the relay
  t.run();
  EXPECT_EQ(a->take(), (std::vector<std::string>{R"(2["typing",1])"}));
  EXPECT_EQ(b->take(), (std::vector<std::string>{R"(2["typing",1])"}));
  EXPECT_EQ(outsider->take(), std::vector<std::string>{});
  EXPECT_EQ(t.adapter(0).relays_sent(), 1u);
  EXPECT_EQ(t.adapter(1).relays_run(), 1u);
}

TEST(shard_adapter, every_thread_queues_the_same_encoded_buffer) {
  two_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.h[0].io.of("/").to("room").emit("m", {"x"});
  t.run();
  ASSERT_EQ(a->sent.size(), 1u);
  ASSERT_EQ(b->sent.size(), 1u);
  EXPECT_EQ(a->sent[0].data.get(), b->sent[0].data.get());  // encoded once for the process
}

TEST(shard_adapter, a_local_broadcast_stays_on_its_thread) {
  // What the chat gateway's store events use: every thread gets them from the shard bus.
  two_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.h[0].io.of("/").to("room").local().emit("message:new", {1});
  t.run();
  EXPECT_EQ(a->take().size(), 1u);
  EXPECT_EQ(b->take(), std::vector<std::string>{});
  EXPECT_EQ(t.adapter(0).relays_sent(), 0u);
}

TEST(shard_adapter, joins_and_leaves_reach_the_other_threads) {
  two_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.h[0].io.of("/").in("room").sockets_join("other");
  t.run();
  EXPECT_TRUE(t.sockets[1].front()->rooms().count("other"));
  t.h[1].io.of("/").in("room").sockets_leave("other");
  t.run();
  EXPECT_FALSE(t.sockets[0].front()->rooms().count("other"));
}

TEST(shard_adapter, a_relay_waits_for_the_store_event_its_sender_had_seen) {
  // Thread 0 ran store event 1 (message:new) and then broadcast typing; thread 1 runs the relay
  // only after event 1.
  two_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.bus.publish([&] {
    const auto k = shard_bus::current();
    t.h[k].io.of("/").to("room").local().emit("message:new", {1});
  });
  t.h[0].ioc.restart();
  t.h[0].ioc.poll();  // thread 0 only: thread 1 has not run event 1 yet
  t.h[0].io.of("/").to("room").emit("typing", {2});
  t.run();
  EXPECT_EQ(b->take(), (std::vector<std::string>{R"(2["message:new",1])", R"(2["typing",2])"}));
}

TEST(shard_adapter, a_store_event_is_encoded_once_for_every_thread_and_keeps_its_order) {
  // As socket_events emits a store event (IO_THREADS > 1): the shard bus runs it on each thread
  // inside one shared_encodings scope; the first thread builds and encodes the packet, the other
  // queues the same buffer. A typing relay sent by thread 0 after the event still reaches
  // thread 1's socket after it.
  two_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  std::atomic<int> built{0};
  t.bus.publish([&] {
    auto& nsp = t.h[shard_bus::current()].io.of("/");
    auto enc = socketio::shared_encodings::next("message:new", [&] {
      ++built;
      return socketio::make_event_packet("/", "message:new", {1});
    });
    ASSERT_NE(enc, nullptr);
    nsp.to("room").local().emit_encoded(*enc);
  });
  t.h[0].ioc.restart();
  t.h[0].ioc.poll();  // thread 0 runs the event (and encodes it) first
  t.h[0].io.of("/").to("room").emit("typing", {2});
  t.run();
  EXPECT_EQ(built.load(), 1);
  ASSERT_EQ(a->sent.size(), 2u);
  ASSERT_EQ(b->sent.size(), 2u);
  EXPECT_EQ(a->sent[0].data.get(), b->sent[0].data.get());  // the same buffer on both threads
  EXPECT_EQ(b->take(), (std::vector<std::string>{R"(2["message:new",1])", R"(2["typing",2])"}));
  EXPECT_EQ(t.adapter(0).relays_sent(), 1u);  // the typing only: the store event is not relayed
}

TEST(shard_adapter, the_thread_that_runs_a_store_event_first_encodes_it) {
  two_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  std::vector<std::size_t> builders;
  t.bus.publish([&] {
    const auto k = shard_bus::current();
    auto enc = socketio::shared_encodings::next("message:new", [&] {
      builders.push_back(k);
      return socketio::make_event_packet("/", "message:new", {1});
    });
    t.h[k].io.of("/").to("room").local().emit_encoded(*enc);
  });
  t.h[1].ioc.restart();
  t.h[1].ioc.poll();  // thread 1 first this time
  t.run();
  EXPECT_EQ(builders, std::vector<std::size_t>{1});
  ASSERT_EQ(a->sent.size(), 1u);
  ASSERT_EQ(b->sent.size(), 1u);
  EXPECT_EQ(a->sent[0].data.get(), b->sent[0].data.get());
}

/// Two threads' servers whose bus posts wait in queues run by hand (testing::manual_queue), so a
/// test can make a relay overtake the store event it must follow.
struct two_queued_shards {
  two_queued_shards() : bus({q[0].get_executor(), q[1].get_executor()}) {
    auto dir = std::make_shared<shard_adapter::directory>(2);
    for (std::size_t k = 0; k < 2; ++k) {
      h[k].io.set_adapter(shard_adapter::factory(bus, dir, k));
      h[k].io.of("/").on_connection([](std::shared_ptr<socketio::socket> s) { s->join("room"); });
    }
  }
  testing::manual_queue q[2];
  harness h[2];
  shard_bus bus;
};

TEST(shard_adapter, a_relay_that_overtakes_its_store_event_is_held_until_the_event_ran) {
  // The bus posts a store event to thread 0, then to thread 1. Thread 0 may run it and relay a
  // typing before the event's post reached thread 1; here the relay runs first on thread 1.
  two_queued_shards t;
  auto a = t.h[0].connect();
  auto b = t.h[1].connect();
  t.bus.publish(
      [&] { t.h[shard_bus::current()].io.of("/").to("room").local().emit("message:new", {1}); });
  t.q[0].run_all();  // thread 0 runs event 1
  EXPECT_EQ(a->take(), std::vector<std::string>{R"(2["message:new",1])"});
  t.h[0].io.of("/").to("room").emit("typing", {2});
  EXPECT_EQ(a->take(), std::vector<std::string>{R"(2["typing",2])"});
  ASSERT_EQ(t.q[1].size(), 2u);  // event 1, then the relay
  t.q[1].run_at(1);              // the relay overtakes the event
  EXPECT_EQ(t.bus.held(1), 1u);
  EXPECT_EQ(t.bus.seen(1), 0u);
  EXPECT_EQ(b->take(), std::vector<std::string>{});  // held: nothing reached thread 1's socket
  EXPECT_EQ(static_cast<shard_adapter&>(t.h[1].io.of("/").adapter()).relays_run(), 0u);
  t.q[1].run_all();  // event 1, then the held relay
  EXPECT_EQ(t.bus.held(1), 0u);
  EXPECT_EQ(t.bus.seen(1), 1u);
  EXPECT_EQ(b->take(), (std::vector<std::string>{R"(2["message:new",1])", R"(2["typing",2])"}));
}

TEST(shard_adapter, relays_held_on_one_thread_keep_their_order) {
  two_queued_shards t;
  auto b = t.h[1].connect();
  t.bus.publish(
      [&] { t.h[shard_bus::current()].io.of("/").to("room").local().emit("message:new", {1}); });
  t.q[0].run_all();
  t.h[0].io.of("/").to("room").emit("typing", {2});
  t.h[0].io.of("/").to("room").emit("typing", {3});
  ASSERT_EQ(t.q[1].size(), 3u);
  t.q[1].run_at(1);  // typing 2: held
  t.q[1].run_at(1);  // typing 3: behind it, held too (even if it could not overtake)
  EXPECT_EQ(t.bus.held(1), 2u);
  t.q[1].run_all();
  EXPECT_EQ(b->take(), (std::vector<std::string>{R"(2["message:new",1])", R"(2["typing",2])",
                                                 R"(2["typing",3])"}));
}

}  // namespace
}  // namespace chatgate::cluster
