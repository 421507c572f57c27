#include "gateway/connection_presence.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cluster/local_connection_map.hpp"
#include "forwarding_map.hpp"

namespace chatgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(connection_presence, answers_from_the_local_map_in_the_order_asked) {
  cluster::local_connection_map map;
  map.add("s1", "bob");
  map.add("s2", "alice");
  connection_presence p(map);
  EXPECT_THAT(p.online({"alice", "carol", "bob"}), ElementsAre("alice", "bob"));
  map.remove("s2", "alice");
  EXPECT_THAT(p.online({"alice", "carol", "bob"}), ElementsAre("bob"));
}

/// A map that answers online_users later, as a networked one does.
class deferred_map final : public testing::forwarding_map {
 public:
  void online_users(const std::vector<std::string>& ids,
                    callback<std::vector<std::string>> done) override {
    pending = [this, ids, done] { done(local.online(ids)); };
  }
  std::function<void()> pending;
};

TEST(connection_presence, an_asynchronous_map_answers_nobody_and_a_late_answer_is_harmless) {
  deferred_map map;
  map.local.add("s1", "alice");
  connection_presence p(map);
  EXPECT_THAT(p.online({"alice"}), IsEmpty());
  ASSERT_TRUE(map.pending);
  map.pending();  // must not touch the finished call's frame
}

TEST(connection_presence, query_online_forwards_a_late_answer) {
  deferred_map map;
  map.local.add("s1", "alice");
  connection_presence p(map);
  std::vector<std::string> got{"unset"};
  p.query_online({"bob", "alice"}, [&](std::vector<std::string> ids) { got = std::move(ids); });
  EXPECT_THAT(got, ElementsAre("unset"));
  map.pending();
  EXPECT_THAT(got, ElementsAre("alice"));
}

TEST(connection_presence, query_online_over_the_local_map_answers_at_once) {
  cluster::local_connection_map map;
  map.add("s1", "alice");
  connection_presence p(map);
  std::vector<std::string> got;
  p.query_online({"alice", "bob"}, [&](std::vector<std::string> ids) { got = std::move(ids); });
  EXPECT_THAT(got, ElementsAre("alice"));
}

}  // namespace
}  // namespace chatgate::gateway
