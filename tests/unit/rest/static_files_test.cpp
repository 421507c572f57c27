// The web client's files: exact paths only, content types, --no-web, nothing else reachable.
#include "rest/static_files.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>

#include "rest/embedded.hpp"

using namespace chatgate;
namespace bhttp = boost::beast::http;

namespace {

std::optional<http::response> get(const rest::static_files& f, std::string target,
                                  bhttp::verb method = bhttp::verb::get) {
  http::request req{method, target, 11};
  return f.serve(req);
}

TEST(static_files, serves_each_file_with_its_content_type) {
  rest::static_files f(true, 4001);
  auto index = get(f, "/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->result_int(), 200);
  EXPECT_EQ((*index)[bhttp::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(index->body(), embedded::web_index_html());
  EXPECT_EQ(get(f, "/index.html")->body(), embedded::web_index_html());
  EXPECT_EQ((*get(f, "/app.js"))[bhttp::field::content_type], "text/javascript; charset=utf-8");
  EXPECT_EQ((*get(f, "/style.css"))[bhttp::field::content_type], "text/css; charset=utf-8");
  auto bundle = get(f, "/socket.io.min.js?v=1");
  ASSERT_TRUE(bundle);
  EXPECT_EQ(bundle->body(), embedded::socket_io_min_js());
  EXPECT_GT(bundle->body().size(), 10'000u);  // the real minified client, not a placeholder
  EXPECT_EQ((*bundle)["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(get(f, "/web-config.json")->body(), R"({"socketPort":4001})");
}

TEST(static_files, anything_but_the_exact_paths_is_not_served) {
  rest::static_files f(true, 4001);
  for (const auto* t :
       {"/../docs/openapi.json", "/app.js/", "/APP.JS", "//app.js", "/%2e%2e/etc/passwd",
        "/web/app.js", "/app.js%00", "/index.htm", "/..", "/etc/passwd"})
    EXPECT_FALSE(get(f, t)) << t;
  EXPECT_FALSE(get(f, "/", bhttp::verb::post));
  EXPECT_FALSE(get(f, "/app.js", bhttp::verb::delete_));
}

TEST(static_files, no_web_serves_only_the_openapi_document) {
  rest::static_files f(false, 4001);
  EXPECT_FALSE(get(f, "/"));
  EXPECT_FALSE(get(f, "/socket.io.min.js"));
  ASSERT_TRUE(get(f, "/api/v1/openapi.json"));
  EXPECT_EQ(f.files().size(), 1u);
}

}  // namespace
