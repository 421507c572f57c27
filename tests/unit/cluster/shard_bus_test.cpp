#include "cluster/shard_bus.hpp"

#include <atomic>
#include <functional>
#include <string>
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

TEST(shard_bus, a_published_batch_runs_as_one_handler_per_shard_in_order_with_the_others) {
  // publish_all (a group commit's events) and single publishes from two threads: every shard
  // runs the same order, a batch's events back to back, and counts each event it ran.
  auto io = contexts(3);
  shard_bus bus(executors(io));
  std::vector<std::vector<int>> ran(3);
  constexpr int batches = 200;
  constexpr int per_batch = 5;
  std::thread singles([&] {
    for (int i = 0; i < batches; ++i)
      bus.publish([&ran, i] { ran.at(shard_bus::current()).push_back(-1 - i); });
  });
  for (int b = 0; b < batches; ++b) {
    std::vector<std::function<void()>> fns;
    for (int i = 0; i < per_batch; ++i) {
      const int v = b * per_batch + i;
      fns.push_back([&ran, v] { ran.at(shard_bus::current()).push_back(v); });
    }
    bus.publish_all(std::move(fns));
  }
  bus.publish_all({});  // nothing: nothing posted, nothing counted
  singles.join();
  constexpr std::uint64_t total = batches * per_batch + batches;
  EXPECT_EQ(bus.published(), total);
  std::vector<std::size_t> handlers(3);
  for (std::size_t k = 0; k < 3; ++k) handlers[k] = io[k]->run();
  ASSERT_EQ(ran[0].size(), total);
  EXPECT_EQ(ran[1], ran[0]);
  EXPECT_EQ(ran[2], ran[0]);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(bus.seen(k), total);
    EXPECT_EQ(handlers[k], static_cast<std::size_t>(2 * batches));  // one per batch, one per single
  }
  // Each batch's events ran back to back, in order.
  std::vector<int> batched;
  for (std::size_t i = 0; i < ran[0].size(); ++i) {
    const int v = ran[0][i];
    if (v < 0) continue;
    if (v % per_batch != 0) {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(ran[0][i - 1], v - 1);
    }
    batched.push_back(v);
  }
  ASSERT_EQ(batched.size(), static_cast<std::size_t>(batches * per_batch));
  for (std::size_t i = 0; i < batched.size(); ++i) EXPECT_EQ(batched[i], static_cast<int>(i));
}

TEST(shard_bus, a_relay_sent_during_a_batch_runs_after_the_events_its_sender_had_seen) {
  // Shard 0 relays while the 2nd event of a batch runs: on shard 1 the relay never runs before
  // that event (here the whole batch is one handler queued before the relay).
  auto io = contexts(2);
  shard_bus bus(executors(io));
  std::vector<std::string> on_one;
  std::vector<std::function<void()>> fns;
  for (int i = 0; i < 3; ++i) {
    fns.push_back([&, i] {
      if (shard_bus::current() == 0) {
        if (i == 1) bus.relay(0, 1, [&] { on_one.push_back("relay"); });
      } else {
        on_one.push_back("event" + std::to_string(i));
      }
    });
  }
  bus.publish_all(std::move(fns));
  io[0]->run();
  io[1]->run();
  EXPECT_EQ(on_one, (std::vector<std::string>{"event0", "event1", "event2", "relay"}));
  EXPECT_EQ(bus.held(1), 0u);
}

}  // namespace
}  // namespace chatgate::cluster
