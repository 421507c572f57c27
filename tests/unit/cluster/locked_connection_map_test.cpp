#include "cluster/locked_connection_map.hpp"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace chatgate::cluster {
namespace {

TEST(locked_connection_map, counts_every_threads_connections_of_a_user) {
  locked_connection_map map;
  constexpr int threads = 4;
  constexpr int per_thread = 200;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&map, t] {
      for (int i = 0; i < per_thread; ++i) {
        const auto id = "s" + std::to_string(t) + "-" + std::to_string(i);
        map.register_connection(id, "alice", [](std::size_t n) { EXPECT_GE(n, 1u); });
        map.register_connection(id + "b", "u" + std::to_string(i), [](std::size_t) {});
        map.remove_connection(id + "b", "u" + std::to_string(i), [](std::size_t) {});
      }
    });
  }
  for (auto& w : workers) w.join();
  std::size_t count = 0;
  map.connection_count("alice", [&](std::size_t n) { count = n; });
  EXPECT_EQ(count, static_cast<std::size_t>(threads * per_thread));
  EXPECT_EQ(map.online_count(), 1u);
  EXPECT_EQ(map.socket_count(), static_cast<std::size_t>(threads * per_thread));
}

TEST(locked_connection_map, a_callback_may_call_the_map_again) {
  locked_connection_map map;
  bool online = false;
  map.register_connection("s1", "bob", [&](std::size_t) {
    map.is_user_online("bob", [&](bool v) { online = v; });  // would deadlock under the lock
  });
  EXPECT_TRUE(online);
}

}  // namespace
}  // namespace chatgate::cluster
