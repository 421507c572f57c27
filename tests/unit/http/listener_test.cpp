// Loopback tests of the HTTP listener: a real socket on 127.0.0.1, the server's io_context on a
// background thread (the handler only runs there), a blocking Beast client in the test thread.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/listener.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using namespace chatgate;

/// Echoes the body; "/delay" answers 100 ms later; "/hold" keeps the responder until released.
class echo_handler : public http::handler {
 public:
  explicit echo_handler(net::io_context& ioc) : ioc_(ioc) {}
  std::size_t limit = 16;  // set on the server thread only
  http::responder held;
  std::atomic<int> upgrades{0};
  std::atomic<int> requests{0};
  std::atomic<int> peer_closed{0};

  std::size_t body_limit(const http::request_header&) const override { return limit; }
  http::response on_body_too_large(const http::request_header&) override {
    http::response res{bhttp::status::payload_too_large, 11};
    res.body() = "too large";
    return res;
  }
  void on_request(http::request&& req, const http::connection_info& info,
                  http::responder respond) override {
    ++requests;
    http::response res{bhttp::status::ok, 11};
    res.body() = req.target() == "/text" ? std::string("hello") : req.body();
    if (req.target() == "/hold") {
      held = std::move(respond);
      info.monitor->on_peer_closed = [this] { ++peer_closed; };
      return;
    }
    if (req.target() != "/delay") return respond(std::move(res));
    auto timer = std::make_shared<net::steady_timer>(ioc_, std::chrono::milliseconds(100));
    timer->async_wait([timer, respond, res](auto) mutable { respond(std::move(res)); });
  }
  void on_upgrade(http::request&&, beast::tcp_stream&& stream, beast::flat_buffer&&,
                  const http::connection_info&) override {
    ++upgrades;
    stream.close();
  }

 private:
  net::io_context& ioc_;
};

class listener_test : public ::testing::Test {
 protected:
  template <class F>
  auto on_server(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    net::post(ioc, [&task] { task(); });
    return result.get();
  }
  void SetUp() override {
    settings.idle_timeout = std::chrono::milliseconds(2000);
    settings.header_timeout = std::chrono::milliseconds(500);
    server = std::make_unique<http::listener>(
        ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), handler, settings);
    server->start();
    port = server->local_endpoint().port();
    work.emplace(ioc.get_executor());
    thread = std::thread([this] { ioc.run(); });
  }
  void TearDown() override {
    on_server([this] { server->stop(); });
    work.reset();
    thread.join();
  }
  beast::tcp_stream connect() {
    beast::tcp_stream stream(client_ioc);
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    return stream;
  }
  static bhttp::response<bhttp::string_body> exchange(beast::tcp_stream& stream, std::string target,
                                                      std::string body) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, target, 11};
    req.set(bhttp::field::host, "localhost");
    req.body() = std::move(body);
    req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(stream, buffer, res);
    return res;
  }
  static bool closed_by_peer(beast::tcp_stream& stream) {
    char byte;
    beast::error_code ec;
    stream.socket().read_some(net::buffer(&byte, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  net::io_context ioc;
  net::io_context client_ioc;
  echo_handler handler{ioc};
  http::listener_settings settings;
  std::unique_ptr<http::listener> server;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;
  unsigned short port = 0;
};

TEST_F(listener_test, keep_alive_serves_several_requests_on_one_connection) {
  auto stream = connect();
  EXPECT_EQ(exchange(stream, "/", "one").body(), "one");
  EXPECT_EQ(exchange(stream, "/", "two").body(), "two");
  EXPECT_EQ(on_server([this] { return server->active_sessions(); }), 1u);
}

TEST_F(listener_test, body_at_the_limit_is_accepted) {
  auto stream = connect();
  auto res = exchange(stream, "/", std::string(16, 'x'));
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(res.body(), std::string(16, 'x'));
}

TEST_F(listener_test, body_past_the_limit_gets_the_handler_answer_then_close) {
  auto stream = connect();
  auto res = exchange(stream, "/", std::string(17, 'x'));
  EXPECT_EQ(res.result(), bhttp::status::payload_too_large);
  EXPECT_EQ(res.body(), "too large");
  EXPECT_TRUE(closed_by_peer(stream));
  EXPECT_EQ(handler.requests.load(), 0);
}

TEST_F(listener_test, large_body_past_the_limit_still_gets_its_413) {
  // The server answers before reading the body; it must drain, not reset, the connection.
  auto stream = connect();
  auto res = exchange(stream, "/", std::string(4 * 1024 * 1024, 'x'));
  EXPECT_EQ(res.result(), bhttp::status::payload_too_large);
  EXPECT_TRUE(closed_by_peer(stream));
}

TEST_F(listener_test, handler_limit_above_beasts_default_is_honoured) {
  on_server([this] { return handler.limit = 2 * 1024 * 1024; });
  auto stream = connect();
  auto res = exchange(stream, "/", std::string(1536 * 1024, 'x'));
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(res.body().size(), 1536u * 1024u);
}

TEST_F(listener_test, chunked_body_past_the_limit_is_refused) {
  auto stream = connect();
  std::string raw =
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "a\r\n0123456789\r\n8\r\n01234567\r\n0\r\n\r\n";
  net::write(stream, net::buffer(raw));
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  EXPECT_EQ(res.result(), bhttp::status::payload_too_large);
}

TEST_F(listener_test, delayed_responder_answers_later_and_keeps_the_connection) {
  auto stream = connect();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(exchange(stream, "/delay", "late").body(), "late");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(90));
  EXPECT_EQ(exchange(stream, "/", "next").body(), "next");
}

TEST_F(listener_test, responder_called_after_the_client_left_is_harmless) {
  {
    auto stream = connect();
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/hold", 11};
    bhttp::write(stream, req);
    while (on_server([this] { return !handler.held; })) std::this_thread::yield();
  }
  on_server([this] {
    http::response res{bhttp::status::ok, 11};
    handler.held(std::move(res));
    handler.held(http::response{});  // a second call is ignored
    handler.held = nullptr;
    return 0;
  });
  // The write (or the read after it) fails, and the session ends without crashing.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (on_server([this] { return server->active_sessions(); }) != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(on_server([this] { return server->active_sessions(); }), 0u);
}

TEST_F(listener_test, client_hanging_up_on_a_pending_response_is_reported) {
  {
    auto stream = connect();
    bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/hold", 11};
    bhttp::write(stream, req);
    while (on_server([this] { return !handler.held; })) std::this_thread::yield();
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (handler.peer_closed.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(handler.peer_closed.load(), 1);
  on_server([this] {
    handler.held(http::response{});  // too late: ignored
    handler.held = nullptr;
    return 0;
  });
  EXPECT_EQ(on_server([this] { return server->active_sessions(); }), 0u);
}

TEST_F(listener_test, pipelined_request_waits_for_the_pending_response) {
  auto stream = connect();
  std::string raw =
      "GET /hold HTTP/1.1\r\nHost: x\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n"
      "next";
  net::write(stream, net::buffer(raw));
  while (on_server([this] { return !handler.held; })) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(handler.peer_closed.load(), 0);
  on_server([this] {
    http::response res{bhttp::status::ok, 11};
    res.body() = "first";
    handler.held(std::move(res));
    return 0;
  });
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> first, second;
  bhttp::read(stream, buffer, first);
  bhttp::read(stream, buffer, second);
  EXPECT_EQ(first.body(), "first");
  EXPECT_EQ(second.body(), "next");
}

TEST_F(listener_test, head_gets_the_header_with_content_length_and_no_body) {
  auto stream = connect();
  bhttp::request<bhttp::empty_body> head{bhttp::verb::head, "/text", 11};
  head.set(bhttp::field::host, "localhost");
  bhttp::write(stream, head);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(true);  // a client knows a HEAD answer has no body whatever Content-Length says
  bhttp::read(stream, buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get()[bhttp::field::content_length], "5");
  EXPECT_EQ(buffer.size(), 0u);  // no body bytes followed
  // The connection stays usable: the next answer is read from the right place.
  auto res = exchange(stream, "/echo", "abc");
  EXPECT_EQ(res.body(), "abc");
}

TEST_F(listener_test, header_over_the_limit_closes_the_connection) {
  auto stream = connect();
  std::string raw =
      "GET / HTTP/1.1\r\nX-Big: " + std::string(settings.max_header_bytes, 'a') + "\r\n\r\n";
  beast::error_code ec;
  net::write(stream, net::buffer(raw), ec);
  EXPECT_TRUE(closed_by_peer(stream));
}

TEST_F(listener_test, headers_trickling_past_the_header_timeout_close_the_connection) {
  auto stream = connect();
  const auto t0 = std::chrono::steady_clock::now();
  const std::string raw = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  beast::error_code ec;
  // A byte every 50 ms (well inside idle_timeout each): only the header timeout can end it.
  for (char c : raw) {
    net::write(stream, net::buffer(&c, 1), ec);
    if (ec) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(closed_by_peer(stream));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(450));
  EXPECT_LT(took, std::chrono::milliseconds(1900));
  EXPECT_EQ(on_server([this] { return server->header_timeouts(); }), 1u);
  EXPECT_EQ(handler.requests.load(), 0);
}

TEST_F(listener_test, connection_sending_nothing_is_closed_at_the_header_timeout) {
  auto stream = connect();
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(closed_by_peer(stream));
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(450));
  EXPECT_LT(took, std::chrono::milliseconds(1900));  // not idle_timeout (2000)
  EXPECT_EQ(on_server([this] { return server->header_timeouts(); }), 1u);
}

TEST_F(listener_test, headers_completed_within_the_timeout_are_served) {
  auto stream = connect();
  net::write(stream, net::buffer(std::string("POST / HTTP/1.1\r\nHost: x\r\n")));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  net::write(stream, net::buffer(std::string("Content-Length: 2\r\n\r\nok")));
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  EXPECT_EQ(res.body(), "ok");
  EXPECT_EQ(on_server([this] { return server->header_timeouts(); }), 0u);
}

TEST_F(listener_test, keep_alive_idleness_is_timed_by_idle_timeout_not_header_timeout) {
  auto stream = connect();
  EXPECT_EQ(exchange(stream, "/", "one").body(), "one");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // > header, < idle timeout
  EXPECT_EQ(exchange(stream, "/", "two").body(), "two");
  EXPECT_EQ(on_server([this] { return server->header_timeouts(); }), 0u);
}

TEST_F(listener_test, websocket_upgrade_goes_to_on_upgrade) {
  auto stream = connect();
  std::string raw =
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  net::write(stream, net::buffer(raw));
  EXPECT_TRUE(closed_by_peer(stream));
  EXPECT_EQ(handler.upgrades.load(), 1);
}

TEST_F(listener_test, stop_closes_idle_connections_and_reports_drained) {
  auto stream = connect();
  EXPECT_EQ(exchange(stream, "/", "x").body(), "x");
  std::promise<void> drained;
  on_server([&] {
    server->stop();
    server->on_drained([&] { drained.set_value(); });
    return 0;
  });
  EXPECT_EQ(drained.get_future().wait_for(std::chrono::seconds(2)), std::future_status::ready);
  EXPECT_TRUE(closed_by_peer(stream));
}

TEST_F(listener_test, stop_lets_a_pending_response_finish) {
  auto stream = connect();
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/hold", 11};
  bhttp::write(stream, req);
  while (on_server([this] { return !handler.held; })) std::this_thread::yield();
  on_server([this] {
    server->stop();
    http::response res{bhttp::status::ok, 11};
    res.body() = "last";
    handler.held(std::move(res));
    return 0;
  });
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  EXPECT_EQ(res.body(), "last");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(closed_by_peer(stream));
}

TEST(listener_bind, address_in_use_throws_a_clear_message) {
  net::io_context ioc;
  echo_handler handler{ioc};
  http::listener first(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), handler);
  first.start();
  http::listener second(ioc, first.local_endpoint(), handler);
  try {
    second.start();
    FAIL() << "bind should fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

}  // namespace
