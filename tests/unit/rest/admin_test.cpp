// GET /api/v1/admin/connections through the router: role admin only, the userId filter, the
// shape of each item (contract §8), over a fake directory (the gateway's is tested in gateway/).
#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

#include "../auth/test_tokens.hpp"
#include "../chat/test_store.hpp"
#include "chat/async_chat.hpp"
#include "rest/router.hpp"

using namespace chatgate;
namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

class fake_directory : public chat::connection_directory {
 public:
  void list_connections(const std::optional<std::string>& user_id,
                        std::function<void(std::vector<chat::connection_record>)> done) override {
    asked = user_id;
    ++calls;
    std::vector<chat::connection_record> out;
    for (const auto& r : records)
      if (!user_id || r.user_id == *user_id) out.push_back(r);
    done(out);
  }
  std::vector<chat::connection_record> records;
  std::optional<std::string> asked;
  int calls = 0;
};

const std::string secret = "admin-test-secret";

struct admin_test : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {3, std::chrono::seconds(10)}};
  chat::chat_service chat{db, clock, limiter};
  chat::inline_runner runner{chat};  // store calls at once, answers at once: no threads
  chat::async_chat async{runner, [](std::function<void()> f) { f(); }};
  chat::no_presence presence;
  auth::verifier verifier = auth::verifier::create(auth::settings{secret, "", "", "", {}}).value();
  core::metrics metrics;
  rest::router router{async, presence, verifier, metrics};
  fake_directory directory;

  admin_test() {
    router.set_connection_directory(&directory);
    const core::sys_time_ms t{std::chrono::milliseconds{1'764'000'000'123}};
    directory.records = {
        {"sB", "bob", "host:2", "polling", t + std::chrono::seconds(1), {"user:bob"}},
        {"sA", "alice", "host:1", "websocket", t, {"conversation:abc", "user:alice"}}};
  }

  /// A token of user "ops" with claim roles = `roles_json` (none when empty).
  static std::string token(const std::string& roles_json) {
    const auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() +
                     3600;
    std::string payload = R"({"sub":"ops","exp":)" + std::to_string(exp) +
                          (roles_json.empty() ? "" : R"(,"roles":)" + roles_json) + "}";
    return auth::testing::sign_hs256_raw(R"({"alg":"HS256","typ":"JWT"})", payload, secret);
  }
  std::pair<int, json::value> get(const std::string& target, const std::string& bearer) {
    http::request req{bhttp::verb::get, target, 11};
    if (!bearer.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer);
    auto res = router.handle(req);
    return {res.result_int(), json::parse(res.body())};
  }
};

TEST_F(admin_test, admin_role_lists_every_connection_oldest_first) {
  auto [status, body] = get("/api/v1/admin/connections", token(R"(["admin"])"));
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(body, json::parse(R"({"items":[
    {"id":"sA","userId":"alice","instance":"host:1","transport":"websocket",
     "connectedAt":"2025-11-24T16:00:00.123Z","rooms":["conversation:abc","user:alice"]},
    {"id":"sB","userId":"bob","instance":"host:2","transport":"polling",
     "connectedAt":"2025-11-24T16:00:01.123Z","rooms":["user:bob"]}]})"));
  EXPECT_EQ(directory.asked, std::nullopt);
}

TEST_F(admin_test, user_filter_is_passed_on) {
  auto [status, body] = get("/api/v1/admin/connections?userId=bob", token(R"(["x","admin"])"));
  ASSERT_EQ(status, 200);
  EXPECT_EQ(directory.asked, "bob");
  ASSERT_EQ(body.at("items").as_array().size(), 1u);
  EXPECT_EQ(body.at("items").at(0).at("id"), "sB");
}

TEST_F(admin_test, others_are_forbidden_and_nothing_is_read) {
  for (const auto* roles : {"", R"(["user"])", R"("administrator")", R"([])", R"({"admin":1})"}) {
    auto [status, body] = get("/api/v1/admin/connections", token(roles));
    EXPECT_EQ(status, 403) << roles;
    EXPECT_EQ(body.at("code"), "FORBIDDEN") << roles;
  }
  EXPECT_EQ(get("/api/v1/admin/connections", "").first, 401);
  EXPECT_EQ(directory.calls, 0);
}

TEST_F(admin_test, user_id_filter_at_and_past_its_limit) {
  auto admin = token(R"("admin")");
  EXPECT_EQ(get("/api/v1/admin/connections?userId=" + std::string(255, 'u'), admin).first, 200);
  auto [status, body] = get("/api/v1/admin/connections?userId=" + std::string(256, 'u'), admin);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body.at("details").at(0).at("field"), "userId");
  EXPECT_EQ(get("/api/v1/admin/connections?userId=", admin).first, 400);
  EXPECT_EQ(directory.calls, 1);
}

}  // namespace
