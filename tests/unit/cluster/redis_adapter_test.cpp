// redis_adapter without Redis: a fake pub/sub transport (fake_transport.hpp) records what the
// adapter publishes and plays what other instances publish, over sockets of a real
// socketio::server with fake Engine.IO sessions. Frame routing (own uid, a room channel for a room
// not held here dropped before decoding, malformed frames counted), requests answered, and the
// REMOTE_FETCH this instance sends: its answers matched by requestId, timeouts, Redis away.
#include "cluster/redis/redis_adapter.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "../socketio/fake_engine_socket.hpp"
#include "cluster/redis/adapter_request.hpp"
#include "fake_transport.hpp"
#include "socketio/socket.hpp"

namespace chatgate::cluster::redis {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::fake_transport;

constexpr const char* requests = "socket.io-request#/#";
constexpr const char* responses = "socket.io-response#/#";

struct redis_adapter_test : ::testing::Test {
  socketio::testing::harness h;
  std::shared_ptr<fake_transport> pub = std::make_shared<fake_transport>(h.ioc);
  std::shared_ptr<fake_transport> sub = std::make_shared<fake_transport>(h.ioc);
  core::metrics metrics;
  redis_adapter* adapter = nullptr;
  // Long enough that a loaded machine never expires a request the test still answers.
  std::chrono::milliseconds timeout = 10s;

  void SetUp() override {
    h.io.set_adapter([this](socketio::namespace_& nsp) {
      redis_adapter_settings s;
      s.uid = "me";
      s.requests_timeout = timeout;
      s.socket_data = [](const socketio::socket& x) { return json::object{{"who", x.id()}}; };
      auto a = std::make_unique<redis_adapter>(nsp, pub, sub, &metrics, std::move(s));
      adapter = a.get();
      return a;
    });
    h.io.of("/").on_connection([](std::shared_ptr<socketio::socket> s) { s->join("room"); });
    ASSERT_NE(adapter, nullptr);
  }
  double frames(const char* result) {
    return metrics.value("chatgate_redis_adapter_frames_total", {{"result", result}});
  }
  double answers(const char* result) {
    return metrics.value("chatgate_redis_adapter_responses_total", {{"result", result}});
  }
  /// NUMSUB answers `n` subscribers; every other command succeeds.
  void subscribers(std::int64_t n) {
    pub->reply_to = [n](const std::vector<std::string>& argv) {
      return argv[0] == "PUBSUB" ? fake_transport::numsub(argv[2], n) : fake_transport::integer(1);
    };
  }
  static std::string fetch_answer(const std::string& id, std::vector<std::string> sockets) {
    json::array list;
    for (auto& s : sockets) list.push_back(json::object{{"id", s}, {"data", nullptr}});
    return encode_fetch_response(id, list);
  }
};

TEST_F(redis_adapter_test, subscribes_like_node) {
  EXPECT_EQ(sub->subscriptions(), 3u);  // socket.io#/#*, the request and the response channel
  EXPECT_TRUE(sub->deliver(requests, "{}"));
  EXPECT_TRUE(sub->deliver(responses, "{}"));
  EXPECT_TRUE(sub->deliver("socket.io#/#any#", ""));
}

TEST_F(redis_adapter_test, a_broadcast_is_delivered_here_and_published_on_the_rooms_channel) {
  auto conn = h.connect();
  h.io.of("/").to("room").emit("m", {1});
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(2["m",1])"}));
  auto out = pub->published("socket.io#/#room#");
  ASSERT_EQ(out.size(), 1u);
  auto f = decode_broadcast(out[0]);
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->uid, "me");
  EXPECT_EQ(json::serialize(f->packet.data), R"(["m",1])");
  h.io.of("/").local().emit("n");  // local: not published
  EXPECT_EQ(pub->commands.size(), 1u);
}

TEST_F(redis_adapter_test, frames_from_others_are_delivered_and_its_own_ignored) {
  auto conn = h.connect();
  socketio::broadcast_options opts;
  opts.rooms.insert("room");
  auto p = socketio::make_event_packet("/", "m", {1});
  sub->deliver("socket.io#/#room#", encode_broadcast("other", p, opts));
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(2["m",1])"}));
  EXPECT_EQ(frames("delivered"), 1);
  sub->deliver("socket.io#/#room#", encode_broadcast("me", p, opts));
  EXPECT_TRUE(conn->take().empty());
  EXPECT_EQ(frames("own"), 1);
  auto other_nsp = socketio::make_event_packet("/admin", "m", {1});
  sub->deliver("socket.io#/#room#", encode_broadcast("other", other_nsp, opts));
  EXPECT_TRUE(conn->take().empty());
  EXPECT_EQ(frames("other_nsp"), 1);
}

TEST_F(redis_adapter_test, a_room_channel_for_a_room_not_held_here_is_dropped_before_decoding) {
  auto conn = h.connect();
  const std::string garbage = "\xc1\xc1 not MessagePack";
  sub->deliver("socket.io#/#nobody-here#", garbage);
  EXPECT_EQ(frames("other_room"), 1);
  EXPECT_EQ(frames("malformed"), 0);           // never decoded
  sub->deliver("socket.io#/#room#", garbage);  // a room held here: decoded, found malformed
  EXPECT_EQ(frames("malformed"), 1);
  sub->deliver("socket.io#/#", garbage);  // the namespace channel: always decoded
  EXPECT_EQ(frames("malformed"), 2);
  EXPECT_TRUE(conn->take().empty());
}

TEST_F(redis_adapter_test, answers_requests_of_others_and_ignores_its_own) {
  auto conn = h.connect();
  sub->deliver(requests, R"({"uid":"node1","requestId":"r1","type":1})");
  auto out = pub->published(responses);
  ASSERT_EQ(out.size(), 1u);
  auto rooms = json::parse(out[0]).as_object();
  EXPECT_EQ(rooms.at("requestId"), "r1");
  auto names = rooms.at("rooms").as_array();
  EXPECT_NE(std::find(names.begin(), names.end(), json::value("room")), names.end());

  sub->deliver(requests, R"({"uid":"node1","requestId":"r2","type":5,"opts":{"rooms":["room"]}})");
  out = pub->published(responses);
  ASSERT_EQ(out.size(), 2u);
  auto fetched = json::parse(out[1]).as_object();
  EXPECT_EQ(fetched.at("requestId"), "r2");
  ASSERT_EQ(fetched.at("sockets").as_array().size(), 1u);
  const auto& s = fetched.at("sockets").as_array()[0].as_object();
  EXPECT_EQ(s.at("data").as_object().at("who"), s.at("id"));  // socket_data

  sub->deliver(requests, R"({"uid":"me","requestId":"r3","type":1})");
  EXPECT_EQ(pub->published(responses).size(), 2u);
  EXPECT_EQ(metrics.value("chatgate_redis_adapter_requests_total", {{"result", "own"}}), 1);
}

TEST_F(redis_adapter_test, fetch_remote_sockets_matches_answers_by_request_id) {
  subscribers(3);  // this instance and two others
  std::optional<redis_adapter::remote_sockets> got;
  socketio::broadcast_options opts;
  opts.rooms.insert("user:alice");
  adapter->fetch_remote_sockets(opts, [&](auto r) { got = std::move(r); });
  EXPECT_FALSE(got);  // never inside the call
  h.run_for(20ms);
  ASSERT_EQ(pub->commands.at(0), (std::vector<std::string>{"PUBSUB", "NUMSUB", requests}));
  auto sent = pub->published(requests);
  ASSERT_EQ(sent.size(), 1u);
  auto req = decode_request(sent[0]);
  ASSERT_TRUE(req) << req.error();
  EXPECT_EQ(req->type, request_type::remote_fetch);
  EXPECT_EQ(req->uid, "me");
  ASSERT_TRUE(req->request_id && req->opts);
  EXPECT_EQ(req->opts->rooms, opts.rooms);
  EXPECT_EQ(adapter->pending_request_count(), 1u);

  sub->deliver(requests, sent[0]);  // its own request comes back: not answered
  sub->deliver(responses, fetch_answer("someone-else", {"x"}));
  sub->deliver(responses, fetch_answer(*req->request_id, {"a1", "a2"}));
  EXPECT_FALSE(got);  // one of two
  sub->deliver(responses, "\xc1 not an answer");
  sub->deliver(responses, fetch_answer(*req->request_id, {"b1"}));
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->complete);
  std::vector<std::string> ids;
  for (const auto& s : got->sockets) ids.emplace_back(s.at("id").as_string());
  EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a2", "b1"}));
  EXPECT_EQ(answers("matched"), 2);
  EXPECT_EQ(answers("other"), 1);
  EXPECT_EQ(answers("malformed"), 1);
  EXPECT_EQ(adapter->pending_request_count(), 0u);
  EXPECT_EQ(pub->published(responses).size(), 0u);
  // A late answer to a finished request matches nothing.
  sub->deliver(responses, fetch_answer(*req->request_id, {"late"}));
  EXPECT_EQ(answers("matched"), 2);
}

struct redis_adapter_timeout_test : redis_adapter_test {
  redis_adapter_timeout_test() { timeout = 1s; }
};

TEST_F(redis_adapter_timeout_test, fetch_remote_sockets_gives_what_came_when_the_time_is_up) {
  subscribers(3);
  std::optional<redis_adapter::remote_sockets> got;
  adapter->fetch_remote_sockets({}, [&](auto r) { got = std::move(r); });
  h.run_for(10ms);
  auto req = decode_request(pub->published(requests).at(0));
  ASSERT_TRUE(req && req->request_id);
  sub->deliver(responses, fetch_answer(*req->request_id, {"a1"}));
  EXPECT_FALSE(got);
  h.run_for(5s);  // returns once the 1 s timer fired: nothing else is waiting
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->complete);
  ASSERT_EQ(got->sockets.size(), 1u);
  EXPECT_EQ(got->sockets[0].at("id"), "a1");
  EXPECT_EQ(adapter->pending_request_count(), 0u);
}

TEST_F(redis_adapter_test, fetch_remote_sockets_alone_or_without_redis_sends_nothing) {
  subscribers(1);  // only this instance listens
  std::optional<redis_adapter::remote_sockets> got;
  adapter->fetch_remote_sockets({}, [&](auto r) { got = std::move(r); });
  h.run_for(10ms);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->complete);
  EXPECT_TRUE(got->sockets.empty());
  EXPECT_TRUE(pub->published(requests).empty());

  got.reset();
  pub->reply_to = [](const std::vector<std::string>&) {
    return redis_reply::failure("no connection");
  };
  adapter->fetch_remote_sockets({}, [&](auto r) { got = std::move(r); });
  h.run_for(10ms);
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->complete);  // Redis away: nobody was asked
  EXPECT_TRUE(pub->published(requests).empty());
}

/// What the shard adapter of thread 0 does for the Redis adapter with several io threads, over
/// two servers standing for two threads (run on one here): each operation on both.
struct two_threads_process final : cluster::process_sockets {
  socketio::adapter* threads[2] = {nullptr, nullptr};
  void deliver(const socketio::packet& p, const socketio::broadcast_options& opts) override {
    auto local = opts;
    local.flags.local = true;
    for (auto* a : threads) a->broadcast(p, local);
  }
  void remote_join(const socketio::broadcast_options& opts,
                   const std::vector<std::string>& rooms) override {
    for (auto* a : threads) a->add_sockets(opts, rooms);
  }
  void remote_leave(const socketio::broadcast_options& opts,
                    const std::vector<std::string>& rooms) override {
    for (auto* a : threads) a->del_sockets(opts, rooms);
  }
  void remote_disconnect(const socketio::broadcast_options& opts, bool close) override {
    for (auto* a : threads) a->disconnect_sockets(opts, close);
  }
  bool may_hold(std::string_view) const override { return true; }
  void gather(each_fn each, std::function<void(std::vector<json::value>)> done) override {
    std::vector<json::value> out;
    for (auto* a : threads) out.push_back(each(*a));
    done(std::move(out));
  }
};

TEST(redis_adapter_process, with_several_threads_what_arrives_acts_on_every_threads_sockets) {
  socketio::testing::harness h[2];
  auto pub = std::make_shared<fake_transport>(h[0].ioc);
  auto sub = std::make_shared<fake_transport>(h[0].ioc);
  core::metrics metrics;
  two_threads_process process;
  for (int k = 0; k < 2; ++k) {
    h[k].io.of("/").on_connection([](std::shared_ptr<socketio::socket> s) { s->join("room"); });
    process.threads[k] = &h[k].io.of("/").adapter();
  }
  redis_adapter_settings settings;
  settings.uid = "me";
  settings.process = &process;
  redis_adapter adapter(h[0].io.of("/"), pub, sub, &metrics, std::move(settings));
  auto c0 = h[0].connect();
  auto c1 = h[1].connect();

  // A frame: delivered to both threads' sockets, once each.
  socketio::broadcast_options opts;
  opts.rooms.insert("room");
  sub->deliver("socket.io#/#room#",
               encode_broadcast("other", socketio::make_event_packet("/", "m", {1}), opts));
  EXPECT_EQ(c0->take(), (std::vector<std::string>{R"(2["m",1])"}));
  EXPECT_EQ(c1->take(), (std::vector<std::string>{R"(2["m",1])"}));

  // REMOTE_JOIN: both threads' sockets join.
  sub->deliver(requests,
               R"({"uid":"node1","type":2,"opts":{"rooms":["room"],"except":[]},"rooms":["x"]})");
  EXPECT_EQ(h[0].io.of("/").adapter().room_size("x"), 1u);
  EXPECT_EQ(h[1].io.of("/").adapter().room_size("x"), 1u);

  // SOCKETS and REMOTE_FETCH: one answer naming the sockets of both threads.
  sub->deliver(requests, R"({"uid":"node1","requestId":"r1","type":0,"rooms":["x"]})");
  sub->deliver(requests, R"({"uid":"node1","requestId":"r2","type":5,"opts":{"rooms":["x"]}})");
  auto out = pub->published(responses);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(json::parse(out[0]).as_object().at("sockets").as_array().size(), 2u);
  EXPECT_EQ(json::parse(out[1]).as_object().at("sockets").as_array().size(), 2u);

  // The single-socket form reaches the thread holding the socket and answers once.
  const auto id1 = *h[1].io.of("/").adapter().sockets({{"room"}}).begin();
  sub->deliver(requests,
               R"({"uid":"node1","requestId":"r3","type":2,"sid":")" + id1 + R"(","room":"solo"})");
  EXPECT_EQ(h[1].io.of("/").adapter().room_size("solo"), 1u);
  EXPECT_EQ(h[0].io.of("/").adapter().room_size("solo"), 0u);
  EXPECT_EQ(pub->published(responses).size(), 3u);

  // As a link: send_broadcast publishes and delivers nothing here.
  adapter.send_broadcast(socketio::make_event_packet("/", "n", {2}), opts);
  EXPECT_EQ(pub->published("socket.io#/#room#").size(), 1u);
  EXPECT_TRUE(c0->take().empty());
  EXPECT_TRUE(c1->take().empty());
}

}  // namespace
}  // namespace chatgate::cluster::redis
