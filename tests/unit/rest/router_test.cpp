#include "rest/router.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "../chat/test_store.hpp"
#include "auth/minter.hpp"
#include "chat/async_chat.hpp"

using namespace chatgate;
namespace bhttp = boost::beast::http;
namespace json = boost::json;

namespace {

class fake_presence : public chat::presence {
 public:
  std::vector<std::string> online(const std::vector<std::string>& ids) override {
    std::vector<std::string> out;
    for (const auto& id : ids)
      if (id == "bob") out.push_back(id);
    return out;
  }
};

const std::string secret = "router-test-secret";

struct router_test : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {3, std::chrono::seconds(10)}};
  chat::chat_service chat{db, clock, limiter, chat::chat_settings{5}};
  chat::inline_runner runner{chat};  // store calls at once, answers at once: no threads
  chat::async_chat async{runner, [](std::function<void()> f) { f(); }};
  fake_presence presence;
  auth::verifier verifier = auth::verifier::create(auth::settings{secret, "", "", "", {}}).value();
  core::metrics metrics;
  rest::router router{async, presence, verifier, metrics,
                      rest::router_settings{64 * 1024, {"https://app.example"}}};
  auth::minter minter{auth::settings{secret, "", "", "", {}}};

  struct answer {
    int status;
    json::value body;
    http::response raw;
  };

  answer call(bhttp::verb method, std::string target, std::string_view user = "alice",
              std::optional<std::string> body = std::nullopt, unsigned version = 11) {
    http::request req{method, target, version};
    if (!user.empty())
      req.set(bhttp::field::authorization,
              "Bearer " + minter.mint(user, std::chrono::seconds(3600)));
    if (body) {
      req.set(bhttp::field::content_type, "application/json");
      req.body() = *body;
      req.prepare_payload();
    }
    auto res = router.handle(req);
    json::value parsed;
    if (!res.body().empty() && res[bhttp::field::content_type].starts_with("application/json"))
      parsed = json::parse(res.body());
    return {res.result_int(), parsed, res};
  }
  answer post(std::string target, std::string body, std::string_view user = "alice") {
    return call(bhttp::verb::post, std::move(target), user, std::move(body));
  }
  std::string group_with(std::string_view others) {
    auto r = post("/api/v1/conversations",
                  R"({"type":"group","name":"g","participantIds":)" + std::string(others) + "}");
    EXPECT_EQ(r.status, 201);
    return std::string(r.body.at("id").as_string());
  }
};

void expect_error(const json::value& body, int status, std::string_view code) {
  ASSERT_TRUE(body.is_object()) << body;
  EXPECT_EQ(body.at("statusCode").as_int64(), status) << body;
  EXPECT_EQ(body.at("code").as_string(), code) << body;
  EXPECT_TRUE(body.at("message").is_string());
}

TEST_F(router_test, health_ready_metrics) {
  auto h = call(bhttp::verb::get, "/health", "");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body.at("status").as_string(), "ok");
  bool store_ok = true;
  router.add_readiness_check("store", [&] { return store_ok; });
  EXPECT_EQ(call(bhttp::verb::get, "/ready", "").status, 200);
  store_ok = false;
  auto r = call(bhttp::verb::get, "/ready", "");
  EXPECT_EQ(r.status, 503);
  expect_error(r.body, 503, "SERVICE_UNAVAILABLE");
  EXPECT_EQ(r.body.at("message").as_string(), "Not ready: store");
  auto m = call(bhttp::verb::get, "/metrics", "");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.raw.body().find("chatgate_http_requests_total{method=\"GET\",route=\"/ready\","
                              "status=\"503\"} 1"),
            std::string::npos)
      << m.raw.body();
  EXPECT_NE(m.raw.body().find("chatgate_http_request_duration_seconds_bucket"), std::string::npos);
}

TEST_F(router_test, unknown_routes_and_wrong_methods_are_404) {
  auto r = call(bhttp::verb::get, "/api/v1/nope?x=1");
  EXPECT_EQ(r.status, 404);
  expect_error(r.body, 404, "NOT_FOUND");
  EXPECT_EQ(r.body.at("message").as_string(), "Cannot GET /api/v1/nope");
  EXPECT_EQ(call(bhttp::verb::put, "/api/v1/conversations").status, 404);
  EXPECT_EQ(call(bhttp::verb::post, "/health", "").status, 404);
  EXPECT_EQ(call(bhttp::verb::get, "/nope", "").status, 404);  // "/" is the web client
}

TEST_F(router_test, api_needs_a_valid_bearer_token) {
  auto none = call(bhttp::verb::get, "/api/v1/conversations", "");
  EXPECT_EQ(none.status, 401);
  expect_error(none.body, 401, "UNAUTHORIZED");
  http::request req{bhttp::verb::get, "/api/v1/conversations", 11};
  req.set(bhttp::field::authorization, "Bearer not.a.token");
  EXPECT_EQ(router.handle(req).result_int(), 401);
  req.set(bhttp::field::authorization, "Basic abc");
  EXPECT_EQ(router.handle(req).result_int(), 401);
  req.set(bhttp::field::authorization, "Bearer    ");  // no token: refused before the verifier
  auto blank = router.handle(req);
  EXPECT_EQ(blank.result_int(), 401);
  EXPECT_NE(blank.body().find("Missing or malformed Authorization header"), std::string::npos);
  auth::minter other{auth::settings{"another-secret", "", "", "", {}}};
  req.set(bhttp::field::authorization, "bearer " + other.mint("alice", std::chrono::seconds(60)));
  EXPECT_EQ(router.handle(req).result_int(), 401);
  req.set(bhttp::field::authorization, "bearer " + minter.mint("alice", std::chrono::seconds(60)));
  EXPECT_EQ(router.handle(req).result_int(), 200);  // scheme is case-insensitive
}

TEST_F(router_test, conversation_endpoints) {
  auto created = post("/api/v1/conversations", R"({"type":"direct","participantIds":["bob"]})");
  EXPECT_EQ(created.status, 201);
  auto again =
      post("/api/v1/conversations", R"({"type":"direct","participantIds":["alice"]})", "bob");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body.at("id"), created.body.at("id"));

  auto id = group_with(R"(["bob","carol"])");
  auto got = call(bhttp::verb::get, "/api/v1/conversations/" + id, "bob");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body.at("participants").as_array().size(), 3u);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/conversations/" + id, "mallory").status, 404);

  auto list = call(bhttp::verb::get, "/api/v1/conversations?limit=1");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.body.at("items").as_array().size(), 1u);
  EXPECT_TRUE(list.body.at("nextCursor").is_string());
  auto rest = call(bhttp::verb::get, "/api/v1/conversations?limit=5&before=" +
                                         std::string(list.body.at("nextCursor").as_string()));
  EXPECT_EQ(rest.body.at("items").as_array().size(), 1u);
  EXPECT_TRUE(rest.body.at("nextCursor").is_null());

  auto patched =
      call(bhttp::verb::patch, "/api/v1/conversations/" + id, "alice", R"({"name":"Ops"})");
  EXPECT_EQ(patched.status, 200);
  EXPECT_EQ(patched.body.at("name").as_string(), "Ops");
  EXPECT_EQ(
      call(bhttp::verb::patch, "/api/v1/conversations/" + id, "bob", R"({"name":"x"})").status,
      403);

  auto added = post("/api/v1/conversations/" + id + "/participants", R"({"userId":"d e"})");
  EXPECT_EQ(added.status, 201);
  auto removed = call(bhttp::verb::delete_, "/api/v1/conversations/" + id + "/participants/d%20e");
  EXPECT_EQ(removed.status, 200);
  EXPECT_EQ(removed.body.at("participants").as_array().size(), 3u);

  auto left = post("/api/v1/conversations/" + id + "/leave", "", "carol");
  EXPECT_EQ(left.status, 204);
  EXPECT_TRUE(left.raw.body().empty());
  EXPECT_EQ(post("/api/v1/conversations/" + id + "/leave", "", "carol").status, 404);
}

TEST_F(router_test, message_endpoints) {
  auto id = group_with(R"(["bob"])");
  auto sent =
      post("/api/v1/conversations/" + id + "/messages", R"({"content":"hi","extra":1})", "bob");
  EXPECT_EQ(sent.status, 201);
  EXPECT_EQ(sent.body.at("seq").as_int64(), 1);
  EXPECT_FALSE(sent.body.as_object().contains("extra"));
  auto mid = std::string(sent.body.at("id").as_string());

  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/messages/" + mid).status, 200);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/messages/" + mid, "mallory").status, 404);
  auto page = call(bhttp::verb::get, "/api/v1/conversations/" + id + "/messages?limit=10");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.at("items").as_array().size(), 1u);
  EXPECT_TRUE(page.body.at("nextCursor").is_null());

  auto forbidden =
      call(bhttp::verb::patch, "/api/v1/messages/" + mid, "alice", R"({"content":"x"})");
  EXPECT_EQ(forbidden.status, 403);
  expect_error(forbidden.body, 403, "FORBIDDEN");
  auto edited = call(bhttp::verb::patch, "/api/v1/messages/" + mid, "bob", R"({"content":"x"})");
  EXPECT_EQ(edited.status, 200);
  EXPECT_TRUE(edited.body.at("isEdited").as_bool());
  auto deleted = call(bhttp::verb::delete_, "/api/v1/messages/" + mid, "bob");
  EXPECT_EQ(deleted.status, 200);
  EXPECT_EQ(json::serialize(deleted.body), R"({"success":true})");

  auto outsider =
      post("/api/v1/conversations/" + id + "/messages", R"({"content":"hi"})", "mallory");
  EXPECT_EQ(outsider.status, 403);
}

TEST_F(router_test, reaction_endpoints_post_201_delete_200_with_the_message) {
  auto id = group_with(R"(["bob"])");
  auto sent = post("/api/v1/conversations/" + id + "/messages", R"({"content":"hi"})", "bob");
  auto mid = std::string(sent.body.at("id").as_string());
  const std::string base = "/api/v1/messages/" + mid + "/reactions";
  auto added = post(base, R"({"emoji":"👨‍👩‍👧‍👦"})");
  EXPECT_EQ(added.status, 201);
  EXPECT_EQ(json::serialize(added.body.at("reactions")),
            R"([{"emoji":"👨‍👩‍👧‍👦","count":1,"userIds":["alice"]}])");
  // the emoji in the path is percent-decoded (encodeURIComponent of the ZWJ family)
  auto removed = call(bhttp::verb::delete_,
                      base + "/%F0%9F%91%A8%E2%80%8D%F0%9F%91%A9%E2%80%8D%F0%9F%91%A7%E2%80%8D"
                             "%F0%9F%91%A6");
  EXPECT_EQ(removed.status, 200);
  EXPECT_TRUE(removed.body.at("reactions").as_array().empty());
  expect_error(call(bhttp::verb::delete_, base + "/a%20b").body, 400, "VALIDATION_ERROR");
  expect_error(call(bhttp::verb::delete_, base + "/%FF").body, 400, "VALIDATION_ERROR");
  expect_error(post(base, R"({"emoji":"👍"})", "mallory").body, 404, "NOT_FOUND");
  expect_error(post(base, R"({"emoji":""})").body, 400, "VALIDATION_ERROR");
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/messages/" + mid).body.at("reactions"), json::array());
}

TEST_F(router_test, bad_input_is_400_with_details_never_500) {
  auto malformed = post("/api/v1/conversations", R"({"type":)");
  EXPECT_EQ(malformed.status, 400);
  expect_error(malformed.body, 400, "VALIDATION_ERROR");
  EXPECT_EQ(malformed.body.at("details").at(0).at("field").as_string(), "body");

  auto types = post("/api/v1/conversations", R"({"type":1,"participantIds":"bob"})");
  EXPECT_EQ(types.status, 400);
  EXPECT_EQ(types.body.at("details").as_array().size(), 2u);

  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/conversations/not-an-id").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/messages/zzzzzzzzzzzzzzzzzzzzzzzz").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/conversations?limit=abc").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/conversations?limit=101").status, 400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/conversations?limit=100").status, 200);
  EXPECT_EQ(post("/api/v1/conversations", "[1,2]").status, 400);
  EXPECT_EQ(post("/api/v1/conversations", "").status, 400);  // empty body: required fields missing
  auto id = group_with("[]");
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/conversations/" + id + "/messages?limit=101").status,
            400);
  EXPECT_EQ(call(bhttp::verb::get, "/api/v1/conversations/" + id + "/messages?before=x").status,
            400);
}

TEST_F(router_test, store_failure_is_a_generic_500) {
  auto id = group_with("[]");
  db.fail_next = true;
  auto r = call(bhttp::verb::get, "/api/v1/conversations/" + id);
  EXPECT_EQ(r.status, 500);
  expect_error(r.body, 500, "INTERNAL_ERROR");
  EXPECT_EQ(r.body.at("message").as_string(), "Internal server error");
}

TEST_F(router_test, rate_limit_is_429_with_retry_after) {
  auto id = group_with("[]");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(post("/api/v1/conversations/" + id + "/messages", R"({"content":"x"})").status, 201);
  clock.advance(std::chrono::milliseconds(1500));
  auto r = post("/api/v1/conversations/" + id + "/messages", R"({"content":"x"})");
  EXPECT_EQ(r.status, 429);
  expect_error(r.body, 429, "RATE_LIMITED");
  // 3 per 10 s (GCRA): the next send passes 10 s / 3 after the burst, 1833.3 ms from now.
  EXPECT_EQ(r.body.at("retryAfterMs").as_int64(), 1834);
  EXPECT_EQ(r.raw[bhttp::field::retry_after], "2");
}

TEST_F(router_test, body_limit_and_413) {
  http::request_header h;
  h.method(bhttp::verb::post);
  h.target("/api/v1/conversations");
  h.version(11);
  h.set(bhttp::field::origin, "https://app.example");
  EXPECT_EQ(router.body_limit(h), 64u * 1024);
  auto res = router.on_body_too_large(h);
  EXPECT_EQ(res.result_int(), 413);
  auto body = json::parse(res.body());
  expect_error(body, 413, "VALIDATION_ERROR");
  EXPECT_EQ(res[bhttp::field::access_control_allow_origin], "https://app.example");
}

TEST_F(router_test, cors_preflight_and_simple_requests) {
  http::request pre{bhttp::verb::options, "/api/v1/conversations", 11};
  pre.set(bhttp::field::origin, "https://app.example");
  pre.set(bhttp::field::access_control_request_method, "POST");
  pre.set(bhttp::field::access_control_request_headers, "authorization,content-type");
  auto res = router.handle(pre);
  EXPECT_EQ(res.result_int(), 204);
  EXPECT_EQ(res[bhttp::field::access_control_allow_origin], "https://app.example");
  EXPECT_EQ(res[bhttp::field::access_control_allow_credentials], "true");
  EXPECT_NE(res[bhttp::field::access_control_allow_methods].find("PATCH"), std::string::npos);
  EXPECT_EQ(res[bhttp::field::access_control_allow_headers], "authorization,content-type");

  pre.set(bhttp::field::origin, "https://evil.example");
  auto denied = router.handle(pre);
  EXPECT_EQ(denied.result_int(), 204);
  EXPECT_EQ(denied.count(bhttp::field::access_control_allow_origin), 0u);

  http::request get{bhttp::verb::get, "/health", 11};
  get.set(bhttp::field::origin, "https://app.example");
  EXPECT_EQ(router.handle(get)[bhttp::field::access_control_allow_origin], "https://app.example");
}

TEST_F(router_test, keep_alive_follows_the_request) {
  EXPECT_TRUE(call(bhttp::verb::get, "/health", "", std::nullopt, 11).raw.keep_alive());
  EXPECT_FALSE(call(bhttp::verb::get, "/health", "", std::nullopt, 10).raw.keep_alive());
  http::request req{bhttp::verb::get, "/health", 11};
  req.set(bhttp::field::connection, "close");
  EXPECT_FALSE(router.handle(req).keep_alive());
}

TEST_F(router_test, presence) {
  auto r = post("/api/v1/presence", R"({"userIds":["alice","bob"]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::serialize(r.body), R"({"online":["bob"]})");
  EXPECT_EQ(post("/api/v1/presence", R"({"userIds":"bob"})").status, 400);
  json::array ids;
  for (int i = 0; i < 1000; ++i) ids.emplace_back("u" + std::to_string(i));
  EXPECT_EQ(post("/api/v1/presence", json::serialize(json::object{{"userIds", ids}})).status, 200);
  ids.emplace_back("one-more");
  EXPECT_EQ(post("/api/v1/presence", json::serialize(json::object{{"userIds", ids}})).status, 400);
}

/// Answers presence later, as a Redis-backed connection map would.
class deferred_presence : public chat::presence {
 public:
  std::vector<std::string> online(const std::vector<std::string>&) override { return {}; }
  void query_online(const std::vector<std::string>& ids,
                    std::function<void(std::vector<std::string>)> done) override {
    pending.emplace_back(ids, std::move(done));
  }
  std::vector<std::pair<std::vector<std::string>, std::function<void(std::vector<std::string>)>>>
      pending;
};

TEST_F(router_test, presence_may_answer_later) {
  deferred_presence later;
  rest::router r2{async, later, verifier, metrics, {}};
  http::request req{bhttp::verb::post, "/api/v1/presence", 11};
  req.set(bhttp::field::authorization, "Bearer " + minter.mint("alice", std::chrono::seconds(60)));
  req.set(bhttp::field::origin, "https://x.example");
  req.body() = R"({"userIds":["a","b"]})";
  req.prepare_payload();
  std::optional<http::response> got;
  r2.handle_async(req, [&](http::response&& res) { got = std::move(res); });
  EXPECT_FALSE(got);
  EXPECT_THROW(r2.handle(req), std::logic_error);
  ASSERT_EQ(later.pending.size(), 2u);
  later.pending[0].second({"b"});
  ASSERT_TRUE(got);
  EXPECT_EQ(got->result_int(), 200);
  EXPECT_EQ(got->body(), R"({"online":["b"]})");
  EXPECT_EQ((*got)[bhttp::field::access_control_allow_origin], "https://x.example");
  EXPECT_EQ(metrics.value("chatgate_http_requests_total",
                          {{"method", "POST"}, {"route", "/api/v1/presence"}, {"status", "200"}}),
            1);
  // Bad input is still answered at once, without asking presence.
  req.body() = R"({"userIds":[1]})";
  req.prepare_payload();
  got.reset();
  r2.handle_async(req, [&](http::response&& res) { got = std::move(res); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->result_int(), 400);
  EXPECT_EQ(later.pending.size(), 2u);
}

}  // namespace
