#include "path_dispatcher.hpp"

#include <gtest/gtest.h>

using chatgate::app::path_dispatcher;
namespace http = chatgate::http;
namespace bhttp = boost::beast::http;

namespace {

/// Remembers what reached it.
class recording_handler : public http::handler {
 public:
  explicit recording_handler(std::size_t limit) : limit_(limit) {}
  std::size_t body_limit(const http::request_header&) const override { return limit_; }
  http::response on_body_too_large(const http::request_header&) override {
    return http::response{bhttp::status::payload_too_large, 11};
  }
  void on_request(http::request&& req, const http::connection_info&,
                  http::responder respond) override {
    targets.emplace_back(req.target());
    methods.push_back(req.method());
    respond(http::response{bhttp::status::ok, 11});
  }
  void on_upgrade(http::request&&, boost::beast::tcp_stream&&, boost::beast::flat_buffer&&,
                  const http::connection_info&) override {}
  std::vector<std::string> targets;
  std::vector<bhttp::verb> methods;

 private:
  std::size_t limit_;
};

TEST(path_dispatcher, socket_paths) {
  EXPECT_TRUE(path_dispatcher::is_socket_path("/socket.io/?EIO=4&transport=polling"));
  EXPECT_TRUE(path_dispatcher::is_socket_path("/socket.io"));
  EXPECT_TRUE(path_dispatcher::is_socket_path("/socket.io?EIO=4"));
  EXPECT_FALSE(path_dispatcher::is_socket_path("/socket.iox"));
  EXPECT_FALSE(path_dispatcher::is_socket_path("/api/v1/socket.io/"));
  EXPECT_FALSE(path_dispatcher::is_socket_path("/"));
}

TEST(path_dispatcher, routes_by_path_once_a_socket_handler_is_set) {
  recording_handler rest(100), socket(200);
  path_dispatcher d(rest);
  auto send = [&](std::string target) {
    http::request req{bhttp::verb::get, target, 11};
    d.on_request(std::move(req), {}, [](http::response&&) {});
  };
  send("/socket.io/?EIO=4");  // no socket handler yet: REST answers (404 there)
  d.set_socket_handler(&socket);
  send("/socket.io/?EIO=4");
  send("/api/v1/conversations");
  EXPECT_EQ(rest.targets, (std::vector<std::string>{"/socket.io/?EIO=4", "/api/v1/conversations"}));
  EXPECT_EQ(socket.targets, (std::vector<std::string>{"/socket.io/?EIO=4"}));
  http::request_header h;
  h.target("/socket.io/");
  EXPECT_EQ(d.body_limit(h), 200u);
  h.target("/api/v1/presence");
  EXPECT_EQ(d.body_limit(h), 100u);
}

TEST(path_dispatcher, rest_answers_head_as_get_engineio_sees_head) {
  recording_handler rest(100), socket(200);
  path_dispatcher d(rest);
  d.set_socket_handler(&socket);
  for (const char* target : {"/health", "/socket.io/?EIO=4&transport=polling"}) {
    http::request req{bhttp::verb::head, target, 11};
    d.on_request(std::move(req), {}, [](http::response&&) {});
  }
  EXPECT_EQ(rest.methods, (std::vector<bhttp::verb>{bhttp::verb::get}));
  EXPECT_EQ(socket.methods, (std::vector<bhttp::verb>{bhttp::verb::head}));
}

}  // namespace
