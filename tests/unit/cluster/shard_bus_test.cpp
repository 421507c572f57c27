#include "cluster/shard_bus.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace chatgate::cluster {
namespace {

namespace net = boost::asio;

std::vector<net::any_io_executor> executors(std::vector<std::unique_ptr<net::io_context>>& io) {
  std::vector<net::any_io_executor> out;
  for (auto& c : io) out.push_back(c->get_executor());
  return out;
}

std::vector<std::unique_ptr<net::io_context>> contexts(std::size_t n) {
  std::vector<std::unique_ptr<net::io_context>> out;
  for (std::size_t k = 0; k < n; ++k) out.push_back(std::make_unique<net::io_context>(1));
  return out;
}

TEST(shard_bus, publishes_from_several_threads_run_in_one_order_on_every_shard) {
  auto io = contexts(3);
  shard_bus bus(executors(io));
  std::vector<std::vector<int>> ran(3);
  constexpr int per_thread = 500;
  std::vector<std::thread> publishers;
  for (int t = 0; t < 2; ++t) {
    publishers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const int v = t * per_thread + i;
        bus.publish([&ran, v] { ran.at(shard_bus::current()).push_back(v); });
      }
    });
  }
  for (auto& p : publishers) p.join();
  for (auto& c : io) c->run();
  EXPECT_EQ(bus.published(), 2u * per_thread);
  ASSERT_EQ(ran[0].size(), 2u * per_thread);
  EXPECT_EQ(ran[1], ran[0]);
  EXPECT_EQ(ran[2], ran[0]);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(bus.seen(k), 2u * per_thread);
  EXPECT_EQ(shard_bus::current(), shard_bus::npos);  // outside a published function
}

TEST(shard_bus, a_relay_runs_after_the_store_events_its_sender_had_seen) {
  // Two shards on their own threads, a third thread publishing: shard 0 relays each event it
  // sees to shard 1, which must have seen that event too when the relay runs, whichever post
  // arrived first; and shard 0's relays run on shard 1 in the order they were sent.
  auto io = contexts(2);
  shard_bus bus(executors(io));
  constexpr std::uint64_t events = 5000;
  std::atomic<std::uint64_t> relays_run{0};
  std::atomic<int> too_early{0};
  std::atomic<int> out_of_order{0};
  std::uint64_t last = 0;  // shard 1's thread only
  std::vector<std::thread> loops;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& c : io) guards.push_back(net::make_work_guard(*c));
  for (auto& c : io) loops.emplace_back([&c] { c->run(); });
  std::thread publisher([&] {
    for (std::uint64_t i = 0; i < events; ++i) {
      bus.publish([&] {
        if (shard_bus::current() != 0) return;
        const auto sent_after = bus.seen(0);  // this event included
        bus.relay(0, 1, [&, sent_after] {
          if (bus.seen(1) < sent_after) ++too_early;
          if (sent_after <= last) ++out_of_order;
          last = sent_after;
          ++relays_run;
        });
      });
    }
  });
  publisher.join();
  while (relays_run.load() < events) std::this_thread::yield();
  guards.clear();
  for (auto& c : io) c->stop();
  for (auto& l : loops) l.join();
  EXPECT_EQ(relays_run.load(), events);
  EXPECT_EQ(too_early.load(), 0);
  EXPECT_EQ(out_of_order.load(), 0);
}

TEST(shard_bus, a_relay_sent_while_an_event_runs_waits_for_that_event) {
  // A typing stop relayed while message:new is handled on shard 0 reaches shard 1 after
  // message:new there, even when shard 1 has not run it yet.
  auto io = contexts(2);
  shard_bus bus(executors(io));
  std::vector<std::string> on_one;
  bus.publish([&] {
    if (shard_bus::current() == 0) {
      bus.relay(0, 1, [&] { on_one.push_back("relay"); });
    } else {
      on_one.push_back("event");
    }
  });
  io[0]->run();
  io[1]->run();
  EXPECT_EQ(on_one, (std::vector<std::string>{"event", "relay"}));
  EXPECT_EQ(bus.held(1), 0u);
}

}  // namespace
}  // namespace chatgate::cluster
