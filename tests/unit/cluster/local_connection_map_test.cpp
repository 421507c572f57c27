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

// The indexes keep ids in place (core::compact_string) and a user's sockets in a vector: the
// answers are what the tree-based indexes gave, for ids of every length.
TEST(local_connection_map, ids_of_any_length_sorted_answers_and_entries) {
  local_connection_map map;
  const std::string long_id(60, 'L');  // past compact_string's 23 characters: on the heap
  const std::string engine_id = "AbCdEfGhIjKlMnOpQr-_";  // 20 characters: in place
  EXPECT_EQ(map.add("zz", "alice"), 1u);
  EXPECT_EQ(map.add(long_id, "alice"), 2u);
  EXPECT_EQ(map.add(engine_id, "alice"), 3u);
  EXPECT_EQ(map.add("aa", "bob"), 1u);
  EXPECT_THAT(map.sockets_of("alice"), ElementsAre(engine_id, long_id, "zz"));  // in id order
  EXPECT_THAT(map.entries(),
              UnorderedElementsAre(std::pair<std::string, std::string>{"zz", "alice"},
                                   std::pair<std::string, std::string>{long_id, "alice"},
                                   std::pair<std::string, std::string>{engine_id, "alice"},
                                   std::pair<std::string, std::string>{"aa", "bob"}));
  EXPECT_EQ(map.remove(long_id, "alice"), 2u);
  EXPECT_THAT(map.sockets_of("alice"), ElementsAre(engine_id, "zz"));
  // Moving a socket to another user, then removing under the wrong user, leaves it in place.
  EXPECT_EQ(map.add(engine_id, "bob"), 2u);
  EXPECT_EQ(map.count("alice"), 1u);
  EXPECT_EQ(map.remove(engine_id, "alice"), 1u);
  EXPECT_EQ(map.count("bob"), 2u);
  EXPECT_EQ(map.socket_count(), 3u);
  // Many users: the socket index names each user through a pointer into the user index, which
  // must survive that index's rehashes.
  for (int i = 0; i < 2000; ++i) map.add("s" + std::to_string(i), "user" + std::to_string(i));
  EXPECT_EQ(map.remove("zz", "alice"), 0u);
  EXPECT_EQ(map.online_count(), 2001u);  // bob and user0..1999
  for (int i = 0; i < 2000; ++i)
    EXPECT_EQ(map.remove("s" + std::to_string(i), "user" + std::to_string(i)), 0u);
  EXPECT_THAT(map.entries(),
              UnorderedElementsAre(std::pair<std::string, std::string>{"aa", "bob"},
                                   std::pair<std::string, std::string>{engine_id, "bob"}));
}

}  // namespace
}  // namespace chatgate::cluster
