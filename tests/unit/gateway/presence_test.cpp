#include "gateway/connection_presence.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cluster/local_connection_map.hpp"

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
class deferred_map final : public cluster::connection_map {
 public:
  void register_connection(const std::string& s, const std::string& u,
                           callback<std::size_t> done) override {
    local.register_connection(s, u, std::move(done));
  }
  void remove_connection(const std::string& s, const std::string& u,
                         callback<std::size_t> done) override {
    local.remove_connection(s, u, std::move(done));
  }
  void user_sockets(const std::string& u, callback<socket_ids> done) override {
    local.user_sockets(u, std::move(done));
  }
  void users_sockets(const std::vector<std::string>& u,
                     callback<std::map<std::string, socket_ids>> done) override {
    local.users_sockets(u, std::move(done));
  }
  void is_user_online(const std::string& u, callback<bool> done) override {
    local.is_user_online(u, std::move(done));
  }
  void online_users(const std::vector<std::string>& ids,
                    callback<std::vector<std::string>> done) override {
    pending = [this, ids, done] { done(local.online(ids)); };
  }
  void connection_count(const std::string& u, callback<std::size_t> done) override {
    local.connection_count(u, std::move(done));
  }
  cluster::local_connection_map local;
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
