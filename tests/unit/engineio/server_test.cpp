// The Engine.IO server's HTTP side without sockets: requests go straight into on_request and
// responders record the answers.
#include <gtest/gtest.h>

#include <optional>

#include <boost/asio/io_context.hpp>

#include "engineio/server.hpp"

namespace {

using namespace chatgate;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

class server_test : public ::testing::Test {
 protected:
  void SetUp() override {
    config.path = "/engine.io";  // normalised to "/engine.io/"
    config.allowed_origins = {"http://allowed.example"};
    eio = std::make_unique<engineio::server>(ioc, config);
    int next = 0;
    eio->set_id_generator([next]() mutable { return "sid" + std::to_string(++next); });
    eio->on_connection([this](std::shared_ptr<engineio::socket> s) {
      sockets.push_back(s);
      s->on_text = [this](std::string_view t) { texts.emplace_back(t); };
      s->on_close = [this](std::string_view r) { reasons.emplace_back(r); };
    });
  }

  void TearDown() override {
    eio.reset();  // its close_all() reports to `reasons`, which must still exist
  }

  /// Sends a request; returns the response if it was answered synchronously.
  std::optional<http::response> request(bhttp::verb method, std::string target,
                                        std::string body = {}, std::string origin = {},
                                        std::optional<http::response>* later = nullptr) {
    http::request req{method, target, 11};
    if (!origin.empty()) req.set(bhttp::field::origin, origin);
    req.body() = std::move(body);
    req.prepare_payload();
    auto slot = std::make_shared<std::optional<http::response>>();
    eio->on_request(std::move(req), info, [slot, later](http::response&& res) {
      if (later) *later = res;
      *slot = std::move(res);
    });
    return *slot;
  }
  std::string handshake() {
    auto res = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling");
    return res ? res->body() : "";
  }

  boost::asio::io_context ioc;
  engineio::settings config;
  std::unique_ptr<engineio::server> eio;
  http::connection_info info{
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 5555)};
  std::vector<std::shared_ptr<engineio::socket>> sockets;
  std::vector<std::string> texts, reasons;
};

TEST_F(server_test, handles_its_path_prefix_only) {
  EXPECT_TRUE(eio->handles("/engine.io/?EIO=4"));
  EXPECT_FALSE(eio->handles("/engine.iox"));
  EXPECT_FALSE(eio->handles("/api/v1/health"));
}

TEST_F(server_test, polling_handshake_answers_the_open_packet) {
  EXPECT_EQ(handshake(),
            "0{\"sid\":\"sid1\",\"upgrades\":[\"websocket\"],\"pingInterval\":25000,"
            "\"pingTimeout\":60000,\"maxPayload\":1000000}");
  ASSERT_EQ(sockets.size(), 1u);
  EXPECT_EQ(eio->client_count(), 1u);
  EXPECT_EQ(sockets[0]->handshake().query().find("transport"), "polling");
  EXPECT_EQ(sockets[0]->handshake().remote_address(), "127.0.0.1");
  EXPECT_EQ(eio->stats().sessions_opened, 1u);
}

TEST_F(server_test, refusals_carry_node_codes) {
  const std::pair<std::string, std::string> cases[] = {
      {"/engine.io/?EIO=4", R"({"code":0,"message":"Transport unknown"})"},
      {"/engine.io/?EIO=4&transport=abc", R"({"code":0,"message":"Transport unknown"})"},
      {"/engine.io/?EIO=4&transport=polling&sid=nope",
       R"({"code":1,"message":"Session ID unknown"})"},
      {"/engine.io/?EIO=4&transport=websocket", R"({"code":3,"message":"Bad request"})"},
      {"/engine.io/?transport=polling", R"({"code":5,"message":"Unsupported protocol version"})"},
      {"/engine.io/?EIO=3&transport=polling",
       R"({"code":5,"message":"Unsupported protocol version"})"},
  };
  for (const auto& [target, body] : cases) {
    auto res = request(bhttp::verb::get, target);
    ASSERT_TRUE(res) << target;
    EXPECT_EQ(res->result(), bhttp::status::bad_request) << target;
    EXPECT_EQ(res->body(), body) << target;
    EXPECT_EQ((*res)[bhttp::field::content_type], "application/json");
  }
  auto post = request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling");
  EXPECT_EQ(post->body(), R"({"code":2,"message":"Bad handshake method"})");
  EXPECT_EQ(eio->client_count(), 0u);
}

TEST_F(server_test, post_then_get_round_trip_and_held_get) {
  handshake();
  auto post = request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling&sid=sid1",
                      "4one\x1e"
                      "4two");
  EXPECT_EQ(post->body(), "ok");
  EXPECT_EQ((*post)[bhttp::field::content_type], "text/html");
  EXPECT_EQ(texts, (std::vector<std::string>{"one", "two"}));
  std::optional<http::response> later;
  auto held =
      request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1", "", "", &later);
  EXPECT_FALSE(held);  // nothing to send: the GET waits
  sockets[0]->send_text(std::make_shared<const std::string>("pushed"));
  ASSERT_TRUE(later);
  EXPECT_EQ(later->body(), "4pushed");
  EXPECT_EQ((*later)[bhttp::field::content_type], "text/plain; charset=UTF-8");
}

TEST_F(server_test, second_concurrent_get_closes_the_session) {
  handshake();
  std::optional<http::response> first;
  request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1", "", "", &first);
  auto second = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1");
  EXPECT_EQ(second->result(), bhttp::status::bad_request);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body(), "1");
  EXPECT_EQ(reasons, std::vector<std::string>{"transport error"});
  EXPECT_EQ(eio->client_count(), 0u);
}

TEST_F(server_test, held_get_whose_client_hangs_up_closes_the_session) {
  handshake();
  info.monitor = std::make_shared<http::connection_monitor>();
  std::optional<http::response> held;
  request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1", "", "", &held);
  ASSERT_TRUE(info.monitor->on_peer_closed);
  info.monitor->on_peer_closed();
  EXPECT_FALSE(held);
  EXPECT_EQ(reasons, std::vector<std::string>{"transport error"});
  EXPECT_EQ(eio->client_count(), 0u);
}

TEST_F(server_test, answered_get_stops_watching_its_connection) {
  handshake();
  info.monitor = std::make_shared<http::connection_monitor>();
  std::optional<http::response> held;
  request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1", "", "", &held);
  sockets[0]->send_text(std::make_shared<const std::string>("x"));
  ASSERT_TRUE(held);
  EXPECT_FALSE(info.monitor->on_peer_closed);
  EXPECT_EQ(eio->client_count(), 1u);
}

TEST_F(server_test, close_packet_releases_the_get_with_noop) {
  handshake();
  std::optional<http::response> held;
  request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1", "", "", &held);
  request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling&sid=sid1", "1");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->body(), "6");
  EXPECT_EQ(reasons, std::vector<std::string>{"transport close"});
  EXPECT_EQ(eio->stats().closed_by_reason.at("transport close"), 1u);
}

TEST_F(server_test, invalid_payload_closes_with_parse_error) {
  handshake();
  auto post = request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling&sid=sid1", "abc");
  EXPECT_EQ(post->result(), bhttp::status::bad_request);
  EXPECT_EQ(reasons, std::vector<std::string>{"parse error"});
  auto get = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1");
  EXPECT_EQ(get->body(), R"({"code":1,"message":"Session ID unknown"})");
}

TEST_F(server_test, cors_echoes_allowed_origins_only) {
  auto allowed = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling", "",
                         "http://allowed.example");
  EXPECT_EQ((*allowed)[bhttp::field::access_control_allow_origin], "http://allowed.example");
  EXPECT_EQ((*allowed)[bhttp::field::access_control_allow_credentials], "true");
  auto preflight = request(bhttp::verb::options, "/engine.io/?EIO=4&transport=polling", "",
                           "http://allowed.example");
  EXPECT_EQ(preflight->result(), bhttp::status::no_content);
  EXPECT_EQ((*preflight)[bhttp::field::access_control_allow_origin], "http://allowed.example");
}

TEST_F(server_test, foreign_origin_is_refused_with_403_and_opens_nothing) {
  auto other =
      request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling", "", "http://evil.example");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->result(), bhttp::status::forbidden);
  EXPECT_EQ(other->body(), R"({"code":4,"message":"Forbidden"})");
  EXPECT_EQ(other->count(bhttp::field::access_control_allow_origin), 0u);
  // A listed origin that differs only by a suffix or scheme is foreign too.
  for (const char* o : {"http://allowed.example.evil", "https://allowed.example", "null"}) {
    auto res = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling", "", o);
    EXPECT_EQ(res->result(), bhttp::status::forbidden) << o;
  }
  EXPECT_EQ(sockets.size(), 0u);
  EXPECT_EQ(eio->client_count(), 0u);
  EXPECT_EQ(eio->stats().sessions_opened, 0u);
  EXPECT_EQ(eio->stats().origin_refused, 4u);
}

TEST_F(server_test, foreign_origin_cannot_use_an_existing_session) {
  handshake();  // no Origin: a native client
  ASSERT_EQ(sockets.size(), 1u);
  auto res = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&sid=sid1", "",
                     "http://evil.example");
  EXPECT_EQ(res->result(), bhttp::status::forbidden);
  auto post = request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling&sid=sid1", "4hi",
                      "http://evil.example");
  EXPECT_EQ(post->result(), bhttp::status::forbidden);
  EXPECT_TRUE(texts.empty());
}

TEST_F(server_test, any_origin_is_allowed_with_star) {
  eio.reset();
  config.allowed_origins = {"*"};
  eio = std::make_unique<engineio::server>(ioc, config);
  auto res =
      request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling", "", "http://evil.example");
  EXPECT_EQ(res->result(), bhttp::status::ok);
  EXPECT_EQ(eio->client_count(), 1u);
}

TEST_F(server_test, handshakes_past_the_address_limit_get_429_and_open_nothing) {
  eio.reset();
  config.handshake_limit = {3, std::chrono::hours(1), 100};
  eio = std::make_unique<engineio::server>(ioc, config);
  eio->set_id_generator([next = 0]() mutable { return "sid" + std::to_string(++next); });
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling")->result(),
              bhttp::status::ok);
  auto past = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling");
  EXPECT_EQ(past->result(), bhttp::status::too_many_requests);
  EXPECT_FALSE((*past)[bhttp::field::retry_after].empty());
  EXPECT_NE(past->body().find("\"code\":\"RATE_LIMITED\""), std::string::npos);
  EXPECT_EQ(eio->client_count(), 3u);
  EXPECT_EQ(eio->stats().handshakes_rate_limited, 1u);
  // Requests of open sessions are not handshakes: not limited.
  auto post = request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling&sid=sid1", "4x");
  EXPECT_EQ(post->result(), bhttp::status::ok);
  // Another address has its own budget.
  info.remote = boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.2"), 5555);
  EXPECT_EQ(request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling")->result(),
            bhttp::status::ok);
}

TEST_F(server_test, unauthenticated_sessions_are_capped_with_503) {
  eio.reset();
  config.max_unauthenticated = 2;
  eio = std::make_unique<engineio::server>(ioc, config);
  eio->set_id_generator([next = 0]() mutable { return "sid" + std::to_string(++next); });
  eio->on_connection([this](std::shared_ptr<engineio::socket> s) { sockets.push_back(s); });
  handshake();
  handshake();
  EXPECT_EQ(eio->unauthenticated_count(), 2u);
  auto past = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling");
  EXPECT_EQ(past->result(), bhttp::status::service_unavailable);
  EXPECT_EQ(eio->client_count(), 2u);
  EXPECT_EQ(eio->stats().unauthenticated_refused, 1u);
  sockets[0]->mark_authenticated();
  sockets[0]->mark_authenticated();  // idempotent
  EXPECT_EQ(eio->unauthenticated_count(), 1u);
  handshake();  // the authenticated one no longer counts
  EXPECT_EQ(eio->client_count(), 3u);
  EXPECT_EQ(request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling")->result(),
            bhttp::status::service_unavailable);
  // An unauthenticated session that ends (the client's close packet) frees its place.
  request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling&sid=sid2", "1");
  EXPECT_EQ(eio->unauthenticated_count(), 1u);
  handshake();
  EXPECT_EQ(eio->unauthenticated_count(), 2u);
  request(bhttp::verb::post, "/engine.io/?EIO=4&transport=polling&sid=sid1", "1");
  EXPECT_EQ(eio->client_count(), 2u);  // an authenticated one that ends changes nothing
  EXPECT_EQ(eio->unauthenticated_count(), 2u);
}

TEST_F(server_test, body_limit_is_max_payload_and_413_past_it) {
  http::request_header header;
  EXPECT_EQ(eio->body_limit(header), 1'000'000u);
  EXPECT_EQ(eio->on_body_too_large(header).result(), bhttp::status::payload_too_large);
}

TEST_F(server_test, transport_mismatch_without_upgrade_is_bad_request) {
  handshake();
  auto res = request(bhttp::verb::get, "/engine.io/?EIO=4&transport=websocket&sid=sid1");
  EXPECT_EQ(res->body(), R"({"code":3,"message":"Bad request"})");
}

TEST_F(server_test, close_all_ends_every_session) {
  handshake();
  handshake();
  EXPECT_EQ(eio->client_count(), 2u);
  eio->close_all();
  EXPECT_EQ(eio->client_count(), 0u);
  EXPECT_EQ(reasons, (std::vector<std::string>{"forced close", "forced close"}));
  EXPECT_EQ(eio->stats().sessions_closed, 2u);
}

TEST_F(server_test, query_is_percent_decoded) {
  request(bhttp::verb::get, "/engine.io/?EIO=4&transport=polling&name=a%20b+c&x=%C3%A9");
  ASSERT_EQ(sockets.size(), 1u);
  EXPECT_EQ(sockets[0]->handshake().query().find("name"), "a b c");
  EXPECT_EQ(sockets[0]->handshake().query().find("x"), "\xc3\xa9");
}

}  // namespace
