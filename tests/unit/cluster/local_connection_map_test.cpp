#include "cluster/local_connection_map.hpp"

#include <optional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace chatgate::cluster {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

/// Runs an interface call and returns what its callback got; fails if the callback did not run
/// before the call returned (the local map's promise).
template <class T, class F>
T answer(F&& call) {
  std::optional<T> got;
  int calls = 0;
  call([&](T v) {
    got = std::move(v);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
  return got.value_or(T{});
}

TEST(local_connection_map, register_counts_connections_of_the_user) {
  local_connection_map map;
  connection_map& m = map;
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { m.register_connection("s1", "alice", cb); }), 1u);
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { m.register_connection("s2", "alice", cb); }), 2u);
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { m.register_connection("s3", "bob", cb); }), 1u);
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { m.connection_count("alice", cb); }), 2u);
  EXPECT_THAT(answer<connection_map::socket_ids>([&](auto cb) { m.user_sockets("alice", cb); }),
              UnorderedElementsAre("s1", "s2"));
  EXPECT_EQ(map.online_count(), 2u);
  EXPECT_EQ(map.socket_count(), 3u);
}

TEST(local_connection_map, registering_the_same_socket_twice_counts_it_once) {
  local_connection_map map;
  EXPECT_EQ(map.add("s1", "alice"), 1u);
  EXPECT_EQ(map.add("s1", "alice"), 1u);
  EXPECT_EQ(map.socket_count(), 1u);
}

TEST(local_connection_map, a_socket_registered_under_another_user_moves) {
  local_connection_map map;
  map.add("s1", "alice");
  EXPECT_EQ(map.add("s1", "bob"), 1u);
  EXPECT_EQ(map.count("alice"), 0u);
  EXPECT_THAT(map.online({"alice", "bob"}), ElementsAre("bob"));
}

TEST(local_connection_map, remove_answers_remaining_and_last_one_goes_offline) {
  local_connection_map map;
  connection_map& m = map;
  map.add("s1", "alice");
  map.add("s2", "alice");
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { m.remove_connection("s1", "alice", cb); }), 1u);
  EXPECT_TRUE(answer<bool>([&](auto cb) { m.is_user_online("alice", cb); }));
  EXPECT_EQ(answer<std::size_t>([&](auto cb) { m.remove_connection("s2", "alice", cb); }), 0u);
  EXPECT_FALSE(answer<bool>([&](auto cb) { m.is_user_online("alice", cb); }));
  EXPECT_EQ(map.online_count(), 0u);
  EXPECT_EQ(map.socket_count(), 0u);
}

TEST(local_connection_map, removing_unknown_sockets_or_users_is_harmless) {
  local_connection_map map;
  map.add("s1", "alice");
  EXPECT_EQ(map.remove("nope", "alice"), 1u);
  EXPECT_EQ(map.remove("s1", "bob"), 0u);
  EXPECT_EQ(map.count("alice"), 1u);  // a wrong user does not drop alice's socket
  EXPECT_EQ(map.remove("s1", "alice"), 0u);
  EXPECT_EQ(map.remove("s1", "alice"), 0u);
}

TEST(local_connection_map, online_users_keeps_order_and_drops_duplicates_and_offline) {
  local_connection_map map;
  connection_map& m = map;
  map.add("s1", "carol");
  map.add("s2", "alice");
  auto online = answer<std::vector<std::string>>([&](auto cb) {
    m.online_users({"alice", "bob", "carol", "alice"}, cb);
  });
  EXPECT_THAT(online, ElementsAre("alice", "carol"));
  EXPECT_THAT(answer<std::vector<std::string>>([&](auto cb) { m.online_users({}, cb); }),
              IsEmpty());
}

TEST(local_connection_map, users_sockets_has_an_entry_for_every_asked_user) {
  local_connection_map map;
  connection_map& m = map;
  map.add("s1", "alice");
  map.add("s2", "alice");
  auto got = answer<std::map<std::string, connection_map::socket_ids>>([&](auto cb) {
    m.users_sockets({"alice", "bob"}, cb);
  });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_THAT(got["alice"], UnorderedElementsAre("s1", "s2"));
  EXPECT_THAT(got["bob"], IsEmpty());
}

}  // namespace
}  // namespace chatgate::cluster
