#include "cluster/shard_routing.hpp"

#include <gtest/gtest.h>

namespace chatgate::cluster {
namespace {

TEST(shard_routing, a_stamped_sid_names_its_shard) {
  const std::string sid = "xxxxxxxxxxxxxxxxxxxx";
  for (std::size_t k = 0; k < shard_routing::max_shards; ++k) {
    const auto stamped = shard_routing::stamp(sid, k);
    EXPECT_EQ(stamped.size(), sid.size());
    EXPECT_EQ(stamped.substr(1), sid.substr(1));
    EXPECT_EQ(shard_routing::owner(stamped, shard_routing::max_shards), k);
  }
  EXPECT_EQ(shard_routing::stamp("abc", 1)[0], 'B');
}

TEST(shard_routing, a_sid_naming_no_shard_has_no_owner) {
  EXPECT_EQ(shard_routing::owner("Cxyz", 2), std::nullopt);  // shard 2 of 2 does not exist
  EXPECT_EQ(shard_routing::owner("Bxyz", 2), 1u);
  EXPECT_EQ(shard_routing::owner("~xyz", 2), std::nullopt);  // not base64url
  EXPECT_EQ(shard_routing::owner("", 2), std::nullopt);
}

TEST(shard_routing, the_sid_is_read_from_the_query) {
  EXPECT_EQ(shard_routing::sid_of("/socket.io/?EIO=4&transport=polling&sid=Babc"), "Babc");
  EXPECT_EQ(shard_routing::sid_of("/socket.io/?sid=Aq&EIO=4"), "Aq");
  EXPECT_EQ(shard_routing::sid_of("/socket.io/?EIO=4&transport=polling"), "");
  EXPECT_EQ(shard_routing::sid_of("/socket.io/?EIO=4&xsid=Bq"), "");
  EXPECT_EQ(shard_routing::sid_of("/socket.io/"), "");
  EXPECT_EQ(shard_routing::sid_of("/socket.io/?sid=Bq#frag"), "Bq");
}

TEST(shard_routing, requests_go_to_the_owner_new_sessions_stay_rest_goes_to_zero) {
  // Polling with a sid: the owner, wherever it was read.
  EXPECT_EQ(shard_routing::route("/socket.io/?EIO=4&transport=polling&sid=Bq", true, 0, 2), 1u);
  EXPECT_EQ(shard_routing::route("/socket.io/?EIO=4&transport=polling&sid=Aq", true, 1, 2), 0u);
  // The websocket upgrade of a polling session: the owner too.
  EXPECT_EQ(shard_routing::route("/socket.io/?EIO=4&transport=websocket&sid=Bq", true, 0, 2), 1u);
  // A handshake stays on the thread that read it (the round-robin spread).
  EXPECT_EQ(shard_routing::route("/socket.io/?EIO=4&transport=polling", true, 1, 2), 1u);
  EXPECT_EQ(shard_routing::route("/socket.io/?EIO=4&transport=websocket", true, 1, 2), 1u);
  // An unknown shard: stays, and is refused there as an unknown sid.
  EXPECT_EQ(shard_routing::route("/socket.io/?EIO=4&transport=polling&sid=Zq", true, 1, 2), 1u);
  // REST on thread 0.
  EXPECT_EQ(shard_routing::route("/api/v1/conversations?sid=Bq", false, 1, 2), 0u);
  EXPECT_EQ(shard_routing::route("/metrics", false, 1, 2), 0u);
  // One thread: everything here.
  EXPECT_EQ(shard_routing::route("/socket.io/?EIO=4&transport=polling&sid=Bq", true, 0, 1), 0u);
}

}  // namespace
}  // namespace chatgate::cluster
