// cluster::posted_connection_map: each call runs on the map's thread, each answer on the caller's.
#include "cluster/posted_connection_map.hpp"

#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "cluster/local_connection_map.hpp"

namespace chatgate::cluster {
namespace {

struct two_threads {
  boost::asio::io_context map_thread, caller;
  local_connection_map map;
  posted_connection_map posted{map, map_thread.get_executor(), caller.get_executor()};
  void run(boost::asio::io_context& c) {
    c.restart();
    c.poll();
  }
};

TEST(posted_connection_map, a_call_runs_on_the_maps_thread_and_answers_on_the_callers) {
  two_threads t;
  std::optional<std::size_t> count;
  t.posted.register_connection("s1", "u", [&](std::size_t n) { count = n; });
  EXPECT_EQ(t.map.count("u"), 0u);  // not before the map's thread runs it
  t.run(t.map_thread);
  EXPECT_EQ(t.map.count("u"), 1u);
  EXPECT_FALSE(count);  // the answer waits for the caller's thread
  t.run(t.caller);
  EXPECT_EQ(count, 1u);
}

TEST(posted_connection_map, every_query_answers_once_with_the_maps_state) {
  two_threads t;
  t.map.add("s1", "u");
  t.map.add("s2", "u");
  t.map.add("s3", "v");
  std::vector<std::string> log;
  t.posted.user_sockets("u",
                        [&](auto ids) { log.push_back("sockets " + std::to_string(ids.size())); });
  t.posted.users_sockets({"u", "w"},
                         [&](auto m) { log.push_back("users " + std::to_string(m.size())); });
  t.posted.is_user_online("v", [&](bool on) { log.push_back(on ? "online" : "offline"); });
  t.posted.online_users({"w", "v", "u"}, [&](auto ids) { log.push_back("first " + ids.front()); });
  t.posted.connection_count("u",
                            [&](std::size_t n) { log.push_back("count " + std::to_string(n)); });
  t.posted.remove_connection("s3", "v",
                             [&](std::size_t n) { log.push_back("left " + std::to_string(n)); });
  t.run(t.map_thread);
  t.run(t.caller);
  EXPECT_EQ(log, (std::vector<std::string>{"sockets 2", "users 2", "online", "first v", "count 2",
                                           "left 0"}));
}

TEST(posted_connection_map, from_real_threads) {
  // The map's thread and two callers, each with its own posted view: every answer on its caller.
  boost::asio::io_context map_thread, c1, c2;
  local_connection_map map;
  posted_connection_map p1{map, map_thread.get_executor(), c1.get_executor()};
  posted_connection_map p2{map, map_thread.get_executor(), c2.get_executor()};
  auto guard = boost::asio::make_work_guard(map_thread);
  std::thread runner([&] { map_thread.run(); });
  std::size_t answered1 = 0, answered2 = 0;
  std::thread t1([&] {
    auto g = boost::asio::make_work_guard(c1);
    for (int i = 0; i < 200; ++i)
      p1.register_connection("a" + std::to_string(i), "u", [&](std::size_t) { ++answered1; });
    while (answered1 < 200) c1.run_one();
  });
  std::thread t2([&] {
    auto g = boost::asio::make_work_guard(c2);
    for (int i = 0; i < 200; ++i)
      p2.register_connection("b" + std::to_string(i), "u", [&](std::size_t) { ++answered2; });
    while (answered2 < 200) c2.run_one();
  });
  t1.join();
  t2.join();
  guard.reset();
  runner.join();
  EXPECT_EQ(map.count("u"), 400u);
}

}  // namespace
}  // namespace chatgate::cluster
