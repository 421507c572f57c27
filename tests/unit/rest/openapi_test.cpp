// docs/openapi.json against the router: every route the router serves is documented and every
// documented operation is served; the embedded copy served at /api/v1/openapi.json is the file.
// (The document's validity against the OpenAPI 3.1 schema is checked by the e2e test
// openapi.test.mjs with an npm validator.)
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json/parse.hpp>

#include "../chat/test_store.hpp"
#include "chat/async_chat.hpp"
#include "rest/embedded.hpp"
#include "rest/router.hpp"
#include "rest/static_files.hpp"

using namespace chatgate;
namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

class no_presence : public chat::presence {
 public:
  std::vector<std::string> online(const std::vector<std::string>&) override { return {}; }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// "METHOD /path" for every operation of the document, "{name}" written "{}".
std::set<std::string> documented(const json::object& doc) {
  std::set<std::string> out;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    std::string p(path);
    for (std::size_t open = p.find('{'); open != std::string::npos; open = p.find('{', open + 2))
      p.replace(open, p.find('}', open) - open + 1, "{}");
    for (const auto& [method, op] : item.as_object()) {
      std::string m(method);
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      out.insert(m + " " + p);
    }
  }
  return out;
}

struct openapi_test : ::testing::Test {
  test_support::manual_clock clock;
  test_support::test_store db;
  chat::rate_limiter limiter{clock, {3, std::chrono::seconds(10)}};
  chat::chat_service chat{db, clock, limiter};
  chat::inline_runner runner{chat};  // store calls at once, answers at once: no threads
  chat::async_chat async{runner, [](std::function<void()> f) { f(); }};
  no_presence presence;
  auth::verifier verifier = auth::verifier::create(auth::settings{"s", "", "", "", {}}).value();
  core::metrics metrics;
  rest::router router{async, presence, verifier, metrics};
  std::string source = read_file(CHATGATE_SOURCE_DIR "/docs/openapi.json");
};

TEST_F(openapi_test, every_route_is_documented_and_every_operation_routed) {
  ASSERT_FALSE(source.empty());
  auto doc = documented(json::parse(source).as_object());
  auto served = router.route_table();
  std::set<std::string> routes(served.begin(), served.end());
  EXPECT_EQ(routes.size(), served.size()) << "a route listed twice";
  for (const auto& r : routes) EXPECT_TRUE(doc.count(r)) << r << " is served but not documented";
  for (const auto& d : doc) EXPECT_TRUE(routes.count(d)) << d << " is documented but not served";
  EXPECT_GE(routes.size(), 16u);
}

TEST_F(openapi_test, served_document_is_the_file_in_docs) {
  EXPECT_EQ(embedded::openapi_json(), source);
  http::request req{bhttp::verb::get, "/api/v1/openapi.json", 11};
  auto res = router.handle(req);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res.body(), source);
}

TEST_F(openapi_test, document_is_openapi_3_1_with_every_reference_resolvable) {
  auto doc = json::parse(source).as_object();
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  const auto& components = doc.at("components").as_object();
  std::size_t refs = 0;
  std::function<void(const json::value&)> walk = [&](const json::value& v) {
    if (const auto* o = v.if_object()) {
      if (auto it = o->find("$ref"); it != o->end()) {
        std::string ref(it->value().as_string());
        ASSERT_TRUE(ref.starts_with("#/components/")) << ref;
        auto rest = ref.substr(13);
        auto slash = rest.find('/');
        const auto& group = components.at(rest.substr(0, slash)).as_object();
        EXPECT_TRUE(group.contains(rest.substr(slash + 1))) << ref;
        ++refs;
      }
      for (const auto& [k, child] : *o) walk(child);
    } else if (const auto* a = v.if_array()) {
      for (const auto& child : *a) walk(child);
    }
  };
  walk(doc);
  EXPECT_GT(refs, 20u);
}

}  // namespace
