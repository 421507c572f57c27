// The session state machine over a fake transport. Time is the test's own (the timer queue's
// now_function): run_for advances it and runs what comes due, so the heartbeat and upgrade
// deadlines are checked at exact instants however slow or loaded the machine is.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "engineio/session.hpp"
#include "fake_transport.hpp"

namespace {

using namespace chatgate::engineio;
using chatgate::engineio::testing::fake_transport;
using namespace std::chrono_literals;

shared_bytes bytes(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

/// The test's clock: starts wherever steady_clock is, moves only when a test moves it.
timer_queue::time_point test_now;
timer_queue::time_point test_clock() {
  return test_now;
}

class session_test : public ::testing::Test {
 protected:
  void SetUp() override {
    test_now = timer_queue::clock::now();
    config.ping_interval = 40ms;
    config.ping_timeout = 30ms;
    config.upgrade_timeout = 60ms;
    config.max_payload = 100;
    config.max_queued_bytes = 150;
  }
  std::shared_ptr<session> make(std::shared_ptr<fake_transport> t) {
    auto s = std::make_shared<session>(
        timers, "sid1", handshake_info{}, config,
        [this](session&, std::string_view reason) { closed_reasons.emplace_back(reason); });
    s->on_close = [this](std::string_view reason) { on_close_reasons.emplace_back(reason); };
    s->on_text = [this](std::string_view text) { texts.emplace_back(text); };
    s->on_binary = [this](std::string_view b) { binaries.emplace_back(b); };
    s->start(std::move(t));
    return s;
  }
  /// Advances the clock by `d` a millisecond at a time; at each step runs what came due (as the
  /// queue's timer would) and what was posted.
  void run_for(std::chrono::milliseconds d) {
    for (auto done = 0ms; done < d; done += 1ms) {
      test_now += 1ms;
      timers.run_due(test_now);
      poll();
    }
  }
  /// Runs what was posted, without moving the clock.
  void poll() {
    ioc.restart();
    ioc.poll();
  }

  boost::asio::io_context ioc;
  timer_queue timers{ioc.get_executor(), &session::on_due, &test_clock};
  settings config;
  std::vector<std::string> closed_reasons, on_close_reasons, texts, binaries;
};

TEST_F(session_test, open_packet_announces_the_settings) {
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);
  ASSERT_EQ(t->sent.size(), 1u);
  EXPECT_EQ(t->sent[0],
            "0{\"sid\":\"sid1\",\"upgrades\":[\"websocket\"],\"pingInterval\":40,"
            "\"pingTimeout\":30,\"maxPayload\":100}");
  auto ws = std::make_shared<fake_transport>("websocket");
  auto s2 = make(ws);
  EXPECT_NE(ws->sent[0].find("\"upgrades\":[]"), std::string::npos);
}

TEST_F(session_test, polling_coalesces_everything_queued_into_one_response) {
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);
  s->send_text(bytes("a"));
  s->send_binary(bytes("\x01\x02\x03\x04"));
  s->send_text(bytes("b"));
  EXPECT_EQ(t->sent.size(), 1u);  // no GET held: queued
  EXPECT_EQ(s->queued_bytes(), 2u + 5u + 2u);
  t->get();
  ASSERT_EQ(t->sent.size(), 2u);
  EXPECT_EQ(t->sent[1],
            "4a\x1e"
            "bAQIDBA==\x1e"
            "4b");
  EXPECT_EQ(s->queued_bytes(), 0u);
}

TEST_F(session_test, polling_response_holds_at_most_max_payload) {
  config.max_queued_bytes = 1000;
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);
  s->send_text(bytes(std::string(49, 'x')));  // 50 bytes with the type
  s->send_text(bytes(std::string(49, 'y')));  // 100: exactly max_payload
  s->send_text(bytes("z"));                   // past it: next response
  t->get();
  EXPECT_EQ(t->sent[1], "4" + std::string(49, 'x') +
                            "\x1e"
                            "4" +
                            std::string(49, 'y'));
  t->get();
  EXPECT_EQ(t->sent[2], "4z");
}

TEST_F(session_test, websocket_writes_every_queued_packet_at_once) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  s->send_text(bytes("a"));
  EXPECT_EQ(t->sent.back(), "4a");
}

TEST_F(session_test, queue_at_the_limit_is_kept) {
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);
  s->send_text(bytes(std::string(149, 'x')));  // 150 bytes = max_queued_bytes
  EXPECT_EQ(s->current_state(), session::state::open);
  EXPECT_EQ(s->queued_bytes(), 150u);
}

TEST_F(session_test, queue_past_the_limit_closes_with_slow_client) {
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);
  s->send_text(bytes(std::string(149, 'x')));
  s->send_text(bytes("y"));
  EXPECT_EQ(s->current_state(), session::state::closed);
  EXPECT_EQ(on_close_reasons, std::vector<std::string>{"slow client"});
  EXPECT_EQ(closed_reasons, std::vector<std::string>{"slow client"});
  EXPECT_TRUE(t->closed);
  s->send_text(bytes("z"));  // ignored once closed
  EXPECT_EQ(on_close_reasons.size(), 1u);
}

TEST_F(session_test, packet_larger_than_the_limit_is_accepted_when_nothing_waits) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  t->stall();
  s->send_text(bytes(std::string(1000, 'x')));  // 1001 bytes > 150, queue empty before
  EXPECT_EQ(s->current_state(), session::state::open);
  s->send_text(bytes("y"));  // behind a backlog over the limit: slow
  EXPECT_EQ(closed_reasons, std::vector<std::string>{"slow client"});
}

TEST_F(session_test, slow_client_connection_is_dropped_not_closed_gracefully) {
  // A websocket whose write is stuck (the peer does not read): not writable, so the queue grows.
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  t->stall();
  s->send_text(bytes(std::string(149, 'x')));
  EXPECT_FALSE(t->aborted);
  s->send_text(bytes("y"));
  EXPECT_EQ(closed_reasons, std::vector<std::string>{"slow client"});
  EXPECT_TRUE(t->aborted);
}

TEST_F(session_test, other_closes_are_graceful) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  t->peer_closed();
  EXPECT_TRUE(t->closed);
  EXPECT_FALSE(t->aborted);
}

TEST_F(session_test, delivers_messages_to_the_layer_above) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  t->deliver_text("4hello");
  t->deliver_text("bAQIDBA==");
  t->deliver_text("6");  // noop: nothing
  EXPECT_EQ(texts, std::vector<std::string>{"hello"});
  EXPECT_EQ(binaries, std::vector<std::string>{"\x01\x02\x03\x04"});
}

TEST_F(session_test, pings_after_the_interval_and_pong_keeps_it_alive) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  run_for(55ms);
  ASSERT_EQ(t->sent.size(), 2u);
  EXPECT_EQ(t->sent[1], "2");
  t->deliver_text("3");
  run_for(25ms);  // 80 ms: past the pong deadline of the first ping (70), before the next ping
  EXPECT_EQ(s->current_state(), session::state::open);
  EXPECT_EQ(t->sent.size(), 2u);
  run_for(40ms);  // the next ping leaves 40 ms after the pong, at 95 ms
  EXPECT_EQ(t->sent.size(), 3u);
}

TEST_F(session_test, no_pong_closes_with_ping_timeout_even_without_a_get) {
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);  // the open packet used the only GET
  run_for(100ms);
  EXPECT_EQ(closed_reasons, std::vector<std::string>{"ping timeout"});
  EXPECT_EQ(on_close_reasons, std::vector<std::string>{"ping timeout"});
  EXPECT_EQ(t->sent.size(), 1u);  // the ping never left
}

TEST_F(session_test, deadline_is_enforced_even_before_the_timer_runs) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  EXPECT_FALSE(s->enforce_deadline());  // no ping out yet
  run_for(45ms);                        // the ping leaves at 40 ms
  ASSERT_EQ(t->sent.size(), 2u);
  EXPECT_FALSE(s->enforce_deadline());  // within ping_timeout
  test_now += 35ms;                     // past the deadline, the loop not running
  EXPECT_TRUE(s->enforce_deadline());
  EXPECT_EQ(closed_reasons, std::vector<std::string>{"ping timeout"});
}

TEST_F(session_test, client_ping_is_a_transport_error) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  t->deliver_text("2");
  EXPECT_EQ(closed_reasons, std::vector<std::string>{"transport error"});
}

TEST_F(session_test, transport_events_map_to_node_reasons) {
  auto a = std::make_shared<fake_transport>("websocket");
  auto sa = make(a);
  a->peer_closed();
  auto b = std::make_shared<fake_transport>("websocket");
  auto sb = make(b);
  b->fail("parse error");
  auto c = std::make_shared<fake_transport>("websocket");
  auto sc = make(c);
  c->deliver_text("1");
  EXPECT_EQ(closed_reasons,
            (std::vector<std::string>{"transport close", "parse error", "transport close"}));
}

TEST_F(session_test, close_sends_what_is_queued_then_the_close_packet) {
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);
  s->send_text(bytes("bye"));
  s->close();
  EXPECT_EQ(s->current_state(), session::state::closing);
  s->send_text(bytes("dropped"));  // nothing is queued once closing
  t->get();
  EXPECT_EQ(t->sent.back(),
            "4bye\x1e"
            "1");
  EXPECT_EQ(on_close_reasons, std::vector<std::string>{"forced close"});
  s->close();
  EXPECT_EQ(on_close_reasons.size(), 1u);
}

TEST_F(session_test, close_with_a_held_get_answers_it_with_close) {
  auto t = std::make_shared<fake_transport>("polling");
  auto s = make(t);
  t->get();
  s->close();
  EXPECT_TRUE(t->closed);
  EXPECT_EQ(closed_reasons, std::vector<std::string>{"forced close"});
}

TEST_F(session_test, upgrade_probe_switch_and_flush) {
  auto polling = std::make_shared<fake_transport>("polling");
  auto s = make(polling);
  auto ws = std::make_shared<fake_transport>("websocket");
  s->begin_upgrade(ws);
  EXPECT_TRUE(s->upgrading());
  polling->get();  // a GET is held while the client probes
  ws->deliver_text("2probe");
  EXPECT_EQ(ws->sent, std::vector<std::string>{"3probe"});
  EXPECT_EQ(polling->sent.back(), "6");  // the held GET is released
  s->send_text(bytes("queued during upgrade"));
  ws->deliver_text("5");
  EXPECT_TRUE(s->upgraded());
  EXPECT_FALSE(s->upgrading());
  EXPECT_TRUE(polling->discarded);
  EXPECT_EQ(s->transport_name(), "websocket");
  EXPECT_EQ(ws->sent.back(), "4queued during upgrade");
  ws->deliver_text("4hi");
  EXPECT_EQ(texts, std::vector<std::string>{"hi"});
}

TEST_F(session_test, upgrade_that_never_completes_is_dropped) {
  auto polling = std::make_shared<fake_transport>("polling");
  auto s = make(polling);
  auto ws = std::make_shared<fake_transport>("websocket");
  s->begin_upgrade(ws);
  polling->deliver_text("3");  // keep the heartbeat happy
  run_for(59ms);
  EXPECT_TRUE(s->upgrading());  // not before upgrade_timeout
  EXPECT_FALSE(ws->closed);
  run_for(1ms);
  EXPECT_TRUE(ws->closed);
  EXPECT_FALSE(s->upgrading());
  EXPECT_EQ(s->transport_name(), "polling");
}

TEST_F(session_test, second_probe_is_refused_and_bad_probe_packet_aborts) {
  auto polling = std::make_shared<fake_transport>("polling");
  auto s = make(polling);
  auto ws1 = std::make_shared<fake_transport>("websocket");
  auto ws2 = std::make_shared<fake_transport>("websocket");
  s->begin_upgrade(ws1);
  s->begin_upgrade(ws2);
  EXPECT_TRUE(ws2->closed);
  ws1->deliver_text("4not a probe");
  EXPECT_TRUE(ws1->closed);
  EXPECT_FALSE(s->upgrading());
  EXPECT_EQ(s->current_state(), session::state::open);
}

TEST_F(session_test, terminate_fires_on_close_once_and_detaches) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  s->terminate("forced close");
  s->terminate("forced close");
  EXPECT_EQ(on_close_reasons, std::vector<std::string>{"forced close"});
  EXPECT_FALSE(t->attached());
}

TEST_F(session_test, close_from_inside_on_text_is_safe) {
  auto t = std::make_shared<fake_transport>("websocket");
  auto s = make(t);
  std::weak_ptr<session> weak = s;
  s->on_text = [weak](std::string_view) {
    if (auto self = weak.lock()) self->close();
  };
  t->deliver_text("4x");
  EXPECT_EQ(on_close_reasons, std::vector<std::string>{"forced close"});
  poll();  // the deferred callback reset runs
  EXPECT_FALSE(s->on_text);
}

// Socket.IO keeps the session's own handshake_info (one copy per session, not per socket).
TEST_F(session_test, the_handshake_is_shared_not_copied) {
  auto s = make(std::make_shared<fake_transport>("websocket"));
  EXPECT_EQ(s->shared_handshake().get(), &s->handshake());
  EXPECT_EQ(s->shared_handshake(), s->shared_handshake());
}

// The handshake is a member of the session (no block of its own): holding it holds the session.
TEST_F(session_test, a_kept_handshake_keeps_the_session_object) {
  auto s = make(std::make_shared<fake_transport>("websocket"));
  const std::string url(s->handshake().url());
  std::weak_ptr<session> weak = s;
  auto hs = s->shared_handshake();
  s.reset();
  ASSERT_FALSE(weak.expired());
  EXPECT_EQ(hs->url(), url);
  hs.reset();
  EXPECT_TRUE(weak.expired());
}

}  // namespace
