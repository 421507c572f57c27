// Connection state recovery at the protocol layer (session_store.hpp): pid in the CONNECT answer,
// {pid, offset} read from the client's CONNECT, the store's answer applied (old id, rooms, missed
// events before the CONNECT answer), a stale socket of the same id replaced; no sockets.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "fake_engine_socket.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {
namespace {

using testing::harness;

/// Records what it was asked; answers with `answer` at once, or later when `hold` is set.
struct fake_store : session_store {
  void restore(const handshake& hs, const std::string& pid,
               const std::optional<std::string>& offset, restore_callback done) override {
    asked_pid = pid;
    asked_offset = offset;
    asked_token = hs.auth.contains("token") ? std::string(hs.auth.at("token").as_string()) : "";
    ++calls;
    if (hold)
      pending = std::move(done);
    else
      done(answer);
  }
  std::optional<restored_session> answer;
  bool hold = false;
  restore_callback pending;
  std::string asked_pid;
  std::optional<std::string> asked_offset;
  std::string asked_token;
  int calls = 0;
};

restored_session session_of(std::string sid) {
  restored_session r;
  r.sid = std::move(sid);
  r.rooms = {"user:bob", "conversation:1"};
  args a{boost::json::object{{"id", "m1"}}};
  append_offset(a, 41);
  r.missed.push_back({"message:new", std::move(a)});
  args b{boost::json::object{{"id", "m2"}}};
  append_offset(b, 42);
  r.missed.push_back({"message:new", std::move(b)});
  return r;
}

TEST(socketio_recovery, off_by_default_connect_answer_has_no_pid) {
  harness h;
  auto conn = h.open_session();
  conn->recv("0");
  auto answer = boost::json::parse(conn->last().substr(1)).as_object();
  EXPECT_EQ(answer.size(), 1u);
  EXPECT_FALSE(answer.contains("pid"));
}

TEST(socketio_recovery, with_a_store_every_connect_answer_carries_a_new_pid) {
  harness h;
  fake_store store;
  h.io.set_session_store(&store);
  std::vector<std::shared_ptr<socket>> got;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { got.push_back(s); });
  auto one = h.open_session();
  one->recv("0");
  auto two = h.open_session();
  two->recv(R"(0{"token":"t"})");
  ASSERT_EQ(got.size(), 2u);
  auto a = boost::json::parse(one->last().substr(1)).as_object();
  auto b = boost::json::parse(two->last().substr(1)).as_object();
  EXPECT_EQ(a.at("pid").as_string(), got[0]->pid());
  EXPECT_EQ(got[0]->pid().size(), 20u);
  EXPECT_NE(got[0]->pid(), got[1]->pid());
  EXPECT_NE(got[0]->pid(), got[0]->id());
  EXPECT_FALSE(got[0]->recovered());
  EXPECT_EQ(store.calls, 0);  // no pid in the CONNECT: the store is not asked
}

TEST(socketio_recovery, a_known_pid_restores_id_rooms_and_missed_events_before_connect) {
  harness h;
  fake_store store;
  store.answer = session_of("OLDSOCKETID000000000");
  h.io.set_session_store(&store);
  std::shared_ptr<socket> got;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { got = s; });
  auto conn = h.open_session();
  conn->recv(R"(0{"pid":"PID","offset":"40","token":"t"})");
  EXPECT_EQ(store.asked_pid, "PID");
  EXPECT_EQ(store.asked_offset, std::optional<std::string>("40"));
  EXPECT_EQ(store.asked_token, "t");  // the store sees the handshake (to authenticate)
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->recovered());
  EXPECT_EQ(got->id(), "OLDSOCKETID000000000");
  EXPECT_EQ(got->pid(), "PID");
  EXPECT_EQ(got->rooms(),
            (std::set<std::string>{"OLDSOCKETID000000000", "user:bob", "conversation:1"}));
  auto sent = conn->texts();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0], R"(2["message:new",{"id":"m1"},"41"])");
  EXPECT_EQ(sent[1], R"(2["message:new",{"id":"m2"},"42"])");
  EXPECT_EQ(sent[2], R"(0{"sid":"OLDSOCKETID000000000","pid":"PID"})");
}

TEST(socketio_recovery, an_unknown_pid_is_a_normal_connect_with_a_new_pid) {
  harness h;
  fake_store store;
  h.io.set_session_store(&store);
  std::shared_ptr<socket> got;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) { got = s; });
  auto conn = h.open_session();
  conn->recv(R"(0{"pid":"PID"})");  // no offset: the client had received no recoverable event
  EXPECT_EQ(store.calls, 1);
  EXPECT_EQ(store.asked_offset, std::nullopt);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->recovered());
  EXPECT_NE(got->pid(), "PID");
  ASSERT_EQ(conn->texts().size(), 1u);
}

TEST(socketio_recovery, a_pid_that_is_not_a_string_is_not_looked_up) {
  harness h;
  fake_store store;
  h.io.set_session_store(&store);
  auto conn = h.open_session();
  conn->recv(R"(0{"pid":12})");
  EXPECT_EQ(store.calls, 0);
  EXPECT_EQ(conn->last()[0], '0');
}

TEST(socketio_recovery, a_late_answer_after_the_session_closed_creates_nothing) {
  harness h;
  fake_store store;
  store.hold = true;
  store.answer = session_of("OLDSOCKETID000000000");
  h.io.set_session_store(&store);
  int connections = 0;
  h.io.of("/").on_connection([&](std::shared_ptr<socket>) { ++connections; });
  auto conn = h.open_session();
  conn->recv(R"(0{"pid":"PID","offset":"1"})");
  EXPECT_TRUE(conn->sent.empty());  // waiting for the store
  conn->drop("transport close");
  store.pending(store.answer);
  EXPECT_EQ(connections, 0);
  EXPECT_TRUE(h.io.of("/").sockets().empty());
  EXPECT_TRUE(h.io.of("/").adapter().rooms().empty());
}

TEST(socketio_recovery, a_stale_socket_of_the_restored_id_is_replaced) {
  // Declared before the server: its sockets' disconnect handlers use them until it is gone.
  std::vector<std::string> reasons;
  std::vector<std::shared_ptr<socket>> got;
  harness h;
  fake_store store;
  h.io.set_session_store(&store);
  h.io.of("/").on_connection([&](std::shared_ptr<socket> s) {
    s->on_disconnect([&](std::string_view r) { reasons.emplace_back(r); });
    got.push_back(s);
  });
  auto old = h.open_session();
  old->recv("0");
  ASSERT_EQ(got.size(), 1u);
  store.answer = session_of(got[0]->id());
  auto fresh = h.open_session();
  fresh->recv(R"(0{"pid":"P","offset":"1"})");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_FALSE(got[0]->connected());
  EXPECT_TRUE(old->closed);
  EXPECT_EQ(reasons, std::vector<std::string>{"server namespace disconnect"});
  EXPECT_TRUE(got[1]->connected());
  EXPECT_EQ(h.io.of("/").find(got[0]->id()), got[1]);
  EXPECT_EQ(h.io.of("/").sockets().size(), 1u);
  EXPECT_EQ(got[1]->rooms().count("conversation:1"), 1u);
}

TEST(socketio_recovery, append_offset_adds_a_string_and_nothing_for_zero) {
  args a{1};
  append_offset(a, 0);
  EXPECT_EQ(a.size(), 1u);
  append_offset(a, 9007199254740993);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].as_string(), "9007199254740993");  // a string: exact past 2^53
}

}  // namespace
}  // namespace chatgate::socketio
