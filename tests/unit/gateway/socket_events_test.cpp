// socket_events with several io threads (local flag): a store event that every thread emits to
// its own sockets is built and encoded once (socketio::shared_encodings), over fake sessions.
#include "gateway/socket_events.hpp"

#include <gtest/gtest.h>

#include "../chat/test_store.hpp"
#include "../socketio/fake_engine_socket.hpp"
#include "chat/async_chat.hpp"
#include "socketio/shared_encodings.hpp"

namespace chatgate::gateway {
namespace {

using namespace std::chrono_literals;

/// Two io threads' namespaces (run by hand), each with its socket_events (local) and one
/// socket of user `u` in conversation `c`'s room.
struct two_threads : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {100, 10s}};
  chat::chat_service chat{db, clock, limiter};
  chat::inline_runner runner{chat};
  chat::async_chat async{runner, [](std::function<void()> f) { f(); }};
  socketio::testing::harness h[2];
  room_service rooms[2] = {room_service{async}, room_service{async}};
  socket_events events[2] = {socket_events{h[0].io.of("/"), rooms[0], clock, nullptr, true},
                             socket_events{h[1].io.of("/"), rooms[1], clock, nullptr, true}};
  std::shared_ptr<socketio::testing::fake_engine_socket> client[2];

  two_threads() {
    for (int k = 0; k < 2; ++k) {
      h[k].io.of("/").on_connection([](std::shared_ptr<socketio::socket> s) {
        s->join(std::vector<std::string>{room_service::user_room("u"),
                                         room_service::conversation_room("c")});
      });
      client[k] = h[k].connect();
    }
  }
  /// Runs `fn(events[k])` on thread 0 then thread 1, as the shard bus runs one store event.
  template <class Fn>
  void run_event(socketio::shared_encodings& cache, Fn fn) {
    for (int k = 0; k < 2; ++k) {
      socketio::shared_encodings::scope s(cache);
      fn(events[k]);
      clock.advance(5ms);  // the second thread runs later
    }
  }
};

store::message a_message() {
  store::message m;
  m.id = "m1";
  m.conversation_id = "c";
  m.seq = 1;
  m.sender_id = "u";
  m.content = "hello";
  return m;
}

TEST_F(two_threads, message_new_is_encoded_once_and_both_threads_queue_that_buffer) {
  const auto m = a_message();
  socketio::shared_encodings cache;
  run_event(cache, [&](socket_events& e) { e.message_created(m); });
  EXPECT_EQ(cache.encodings(), 1u);
  EXPECT_EQ(cache.reuses(), 1u);
  ASSERT_EQ(client[0]->sent.size(), 1u);
  ASSERT_EQ(client[1]->sent.size(), 1u);
  EXPECT_EQ(client[0]->sent[0].data.get(), client[1]->sent[0].data.get());
  EXPECT_TRUE(client[1]->take().front().starts_with(R"(2["message:new",{)"));
}

TEST_F(two_threads, every_packet_of_an_event_is_encoded_once_and_says_the_same_everywhere) {
  store::conversation c;
  c.id = "c";
  c.participants.push_back(store::participant{});
  c.participants.back().user_id = "u";
  // conversation:joined, then participant:added, whose timestamp (the clock's) is the first
  // thread's on both: the packet is not rebuilt on the second.
  socketio::shared_encodings cache;
  run_event(cache, [&](socket_events& e) { e.participant_added(c, "u"); });
  EXPECT_EQ(cache.encodings(), 2u);
  EXPECT_EQ(cache.reuses(), 2u);
  EXPECT_EQ(client[0]->take(), client[1]->take());
}

TEST_F(two_threads, outside_the_shard_bus_each_emit_encodes_its_own_packet) {
  const auto m = a_message();
  events[0].message_created(m);
  events[1].message_created(m);
  ASSERT_EQ(client[0]->sent.size(), 1u);
  ASSERT_EQ(client[1]->sent.size(), 1u);
  EXPECT_NE(client[0]->sent[0].data.get(), client[1]->sent[0].data.get());
  EXPECT_EQ(client[0]->take(), client[1]->take());
}

}  // namespace
}  // namespace chatgate::gateway
