// The websocket transport over a real loopback connection: listener -> engineio::server ->
// websocket_transport, with a blocking Beast websocket client in the test thread.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "engineio/server.hpp"
#include "engineio/transports/send_batch.hpp"
#include "engineio/transports/websocket_transport.hpp"
#include "http/listener.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using namespace chatgate;

class websocket_test : public ::testing::Test {
 protected:
  void SetUp() override {
    config.path = "/engine.io/";
    config.max_payload = 64;
    config.max_queued_bytes = 32 * 1024 * 1024;
    config.close_timeout = std::chrono::milliseconds(200);
    config.allowed_origins = {"http://allowed.example"};
    eio = std::make_unique<engineio::server>(ioc, config);
    eio->on_connection([this](std::shared_ptr<engineio::socket> s) {
      std::weak_ptr<engineio::socket> weak = s;
      everyone.push_back(weak);
      s->on_text = [this, weak](std::string_view text) {
        auto self = weak.lock();
        if (text == "close me") return self->close();
        if (text == "to everyone") {
          // One frame to every connected socket from one handler: they are all written in the
          // same flush pass.
          for (const auto& w : everyone)
            if (auto other = w.lock()) other->send_text(std::make_shared<const std::string>("all"));
          return;
        }
        if (text == "burst") {
          // Many frames from one handler, so they are corked into one gather write: texts and
          // binaries, lengths on both sides of the 7/16/64-bit length boundaries.
          for (std::size_t n : burst_sizes) {
            self->send_text(std::make_shared<const std::string>(n, 't'));
            self->send_binary(std::make_shared<const std::string>(n, 'b'));
          }
          return;
        }
        if (text == "drip") return drip(weak, 0);
        if (text == "flood then close") {
          // 16 MB, more than loopback socket buffers hold, then a graceful close.
          auto chunk = std::make_shared<const std::string>(128 * 1024, 'f');
          for (int i = 0; i < 128; ++i) self->send_text(chunk);
          return self->close();
        }
        self->send_text(std::make_shared<const std::string>(text));
      };
      s->on_binary = [weak](std::string_view b) {
        weak.lock()->send_binary(std::make_shared<const std::string>(b));
      };
    });
    server = std::make_unique<http::listener>(
        ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0), *eio);
    server->start();
    port = server->local_endpoint().port();
    work.emplace(ioc.get_executor());
    thread = std::thread([this] { ioc.run(); });
  }
  void TearDown() override {
    std::promise<void> done;
    net::post(ioc, [&] {
      server->stop();
      eio->close_all();
      done.set_value();
    });
    done.get_future().wait();
    work.reset();
    ioc.stop();
    thread.join();
  }
  websocket::stream<beast::tcp_stream> connect() {
    websocket::stream<beast::tcp_stream> ws(client_ioc);
    beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.handshake("localhost", "/engine.io/?EIO=4&transport=websocket");
    return ws;
  }
  static std::string read(websocket::stream<beast::tcp_stream>& ws) {
    beast::flat_buffer buffer;
    ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }

  /// One frame per loop pass, in passes made slow (drip_pass each), for drip_frames passes: the
  /// frame carries the steady clock (µs) at which it was queued.
  void drip(std::weak_ptr<engineio::socket> weak, int i) {
    auto self = weak.lock();
    if (!self || i == drip_frames) return;
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now().time_since_epoch());
    self->send_text(std::make_shared<const std::string>(std::to_string(now.count())));
    std::this_thread::sleep_for(drip_pass);
    net::post(ioc, [this, weak, i] { drip(weak, i + 1); });
  }
  static constexpr int drip_frames = 12;
  static constexpr auto drip_pass = std::chrono::milliseconds(5);

  static constexpr std::size_t burst_sizes[] = {0,     1,     124,   125,   126, 127,
                                                65534, 65535, 65536, 70000, 3};

  /// Runs `f` on the server's io thread and returns its result.
  template <class F>
  auto on_io_thread(F f) {
    std::promise<decltype(f())> result;
    net::post(ioc, [&] { result.set_value(f()); });
    return result.get_future().get();
  }

  std::vector<std::weak_ptr<engineio::socket>> everyone;  // on the io thread
  net::io_context ioc;
  net::io_context client_ioc;
  engineio::settings config;
  std::unique_ptr<engineio::server> eio;
  std::unique_ptr<http::listener> server;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::thread thread;
  unsigned short port = 0;
};

TEST_F(websocket_test, handshake_then_text_and_binary_echo) {
  auto ws = connect();
  const std::string open = read(ws);
  EXPECT_EQ(open.substr(0, 8), "0{\"sid\":");
  EXPECT_NE(open.find("\"upgrades\":[]"), std::string::npos);
  ws.text(true);
  ws.write(net::buffer(std::string("4hello")));
  EXPECT_EQ(read(ws), "4hello");
  EXPECT_TRUE(ws.got_text());
  ws.binary(true);
  ws.write(net::buffer(std::string("\x01\x02\x03", 3)));
  EXPECT_EQ(read(ws), std::string("\x01\x02\x03", 3));
  EXPECT_TRUE(ws.got_binary());
}

TEST_F(websocket_test, a_burst_of_frames_from_one_handler_arrives_whole_and_in_order) {
  auto ws = connect();
  read(ws);
  ws.text(true);
  ws.write(net::buffer(std::string("4burst")));
  for (std::size_t n : burst_sizes) {
    EXPECT_EQ(read(ws), "4" + std::string(n, 't')) << n;
    EXPECT_TRUE(ws.got_text());
    EXPECT_EQ(read(ws), std::string(n, 'b')) << n;
    EXPECT_TRUE(ws.got_binary());
  }
  // Still a working connection after the burst.
  ws.text(true);
  ws.write(net::buffer(std::string("4after")));
  EXPECT_EQ(read(ws), "4after");
}

TEST_F(websocket_test, a_socket_fed_every_pass_of_a_slow_loop_is_written_within_the_cork_time) {
  // A frame queued every pass keeps the cork growing; with passes of 5 ms, eight passes
  // (max_cork_turns) would hold the first frame ~40 ms. The time cap (max_cork_us, 1 ms) lets it
  // wait the first pass only, so it leaves after about two passes.
  static_assert(engineio::websocket_transport::max_cork_us <= 1000);
  auto ws = connect();
  read(ws);  // open
  ws.text(true);
  ws.write(net::buffer(std::string("4drip")));
  long worst_us = 0;
  for (int i = 0; i < drip_frames; ++i) {
    const std::string frame = read(ws);
    ASSERT_EQ(frame[0], '4');
    const long sent = std::stol(frame.substr(1));
    const long now = std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
    worst_us = std::max(worst_us, now - sent);
  }
  // Two passes (10 ms) and scheduling slack; without the cap the first frame waits ~40 ms.
  EXPECT_LT(worst_us, 25'000);
}

TEST_F(websocket_test, sockets_written_in_one_flush_pass_share_one_system_call) {
  // Eight sockets get a frame from one handler; their writes leave in the same pass, as one
  // send_batch: one io_uring submission where io_uring is available, else one sendmsg each.
  // Either way each client reads its frame whole.
  constexpr int n = 8;
  std::vector<websocket::stream<beast::tcp_stream>> clients;
  for (int i = 0; i < n; ++i) {
    clients.push_back(connect());
    read(clients.back());  // open
  }
  const auto uring = on_io_thread([] { return engineio::send_batch::uses_io_uring(); });
  const auto before = on_io_thread([] {
    return std::pair(engineio::send_batch::submissions(), engineio::send_batch::writes());
  });
  clients[0].text(true);
  clients[0].write(net::buffer(std::string("4to everyone")));
  for (auto& c : clients) EXPECT_EQ(read(c), "4all");
  const auto after = on_io_thread([] {
    return std::pair(engineio::send_batch::submissions(), engineio::send_batch::writes());
  });
  EXPECT_EQ(after.second - before.second, static_cast<std::uint64_t>(n));
  EXPECT_EQ(after.first - before.first, uring ? 1u : static_cast<std::uint64_t>(n));
}

TEST_F(websocket_test, switched_off_the_same_pass_makes_one_sendmsg_per_socket) {
  engineio::send_batch::set_enabled(false);
  constexpr int n = 4;
  std::vector<websocket::stream<beast::tcp_stream>> clients;
  for (int i = 0; i < n; ++i) {
    clients.push_back(connect());
    read(clients.back());
  }
  const auto before = on_io_thread([] { return engineio::send_batch::submissions(); });
  clients[0].text(true);
  clients[0].write(net::buffer(std::string("4to everyone")));
  for (auto& c : clients) EXPECT_EQ(read(c), "4all");
  const auto after = on_io_thread([] { return engineio::send_batch::submissions(); });
  engineio::send_batch::set_enabled(true);
  EXPECT_EQ(after - before, static_cast<std::uint64_t>(n));
}

TEST_F(websocket_test, message_at_max_payload_is_accepted) {
  auto ws = connect();
  read(ws);
  const std::string at_limit = "4" + std::string(63, 'x');  // 64 bytes
  ws.write(net::buffer(at_limit));
  EXPECT_EQ(read(ws), at_limit);
}

TEST_F(websocket_test, message_past_max_payload_closes_the_connection) {
  auto ws = connect();
  read(ws);
  ws.write(net::buffer("4" + std::string(64, 'x')));  // 65 bytes
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws.reason().code, websocket::close_code::too_big);
}

TEST_F(websocket_test, server_close_flushes_then_closes) {
  auto ws = connect();
  read(ws);
  ws.write(net::buffer(std::string("4close me")));
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
}

TEST_F(websocket_test, close_behind_a_write_the_peer_does_not_read_drops_the_connection) {
  auto ws = connect();
  read(ws);
  ws.write(net::buffer(std::string("4flood then close")));
  // Not reading: the server's writes stall. The session gives up after close_timeout, the
  // transport after another; then the connection must be closed although the peer never read.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto& sock = beast::get_lowest_layer(ws).socket();
  sock.non_blocking(true);
  std::vector<char> buf(1 << 20);
  std::size_t received = 0;
  beast::error_code ec;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    received += sock.read_some(net::buffer(buf), ec);
    if (ec == net::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    if (ec) break;
  }
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_LT(received, 16u * 1024 * 1024);  // dropped: not everything was delivered
}

TEST_F(websocket_test, plain_http_request_for_a_websocket_session_is_refused) {
  auto ws = connect();
  const std::string open = read(ws);
  const std::string sid = open.substr(9, open.find('"', 9) - 9);
  beast::tcp_stream http_stream(client_ioc);
  http_stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  beast::http::request<beast::http::string_body> req{
      beast::http::verb::get, "/engine.io/?EIO=4&transport=websocket&sid=" + sid, 11};
  beast::http::write(http_stream, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(http_stream, buffer, res);
  EXPECT_EQ(res.result(), beast::http::status::bad_request);
  EXPECT_EQ(res.body(), R"({"code":3,"message":"Bad request"})");
  ws.write(net::buffer(std::string("4still here")));  // the session is untouched
  EXPECT_EQ(read(ws), "4still here");
}

TEST_F(websocket_test, upgrade_with_unknown_sid_is_refused_with_400) {
  websocket::stream<beast::tcp_stream> ws(client_ioc);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "localhost", "/engine.io/?EIO=4&transport=websocket&sid=nope", ec);
  EXPECT_TRUE(ec);
  EXPECT_EQ(res.result_int(), 400u);
}

/// The status of a websocket upgrade sent with `origin` (none when empty).
int upgrade_status(net::io_context& ioc, unsigned short port, const std::string& origin,
                   beast::error_code& ec) {
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::get_lowest_layer(ws).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  if (!origin.empty()) {
    ws.set_option(websocket::stream_base::decorator(
        [origin](websocket::request_type& req) { req.set(beast::http::field::origin, origin); }));
  }
  websocket::response_type res;
  ws.handshake(res, "localhost", "/engine.io/?EIO=4&transport=websocket", ec);
  return static_cast<int>(res.result_int());
}

TEST_F(websocket_test, upgrade_from_a_foreign_origin_is_refused_with_403) {
  beast::error_code ec;
  EXPECT_EQ(upgrade_status(client_ioc, port, "http://evil.example", ec), 403);
  EXPECT_TRUE(ec);
  std::promise<std::size_t> clients;
  net::post(ioc, [&] { clients.set_value(eio->client_count()); });
  EXPECT_EQ(clients.get_future().get(), 0u);
}

TEST_F(websocket_test, upgrade_from_a_listed_origin_or_none_is_accepted) {
  beast::error_code ec;
  EXPECT_EQ(upgrade_status(client_ioc, port, "http://allowed.example", ec), 101);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(upgrade_status(client_ioc, port, "", ec), 101);
  EXPECT_FALSE(ec) << ec.message();
}

TEST_F(websocket_test, client_ping_frames_are_answered_between_whole_frames) {
  auto ws = connect();
  read(ws);
  std::vector<std::string> pongs;
  ws.control_callback([&](websocket::frame_type kind, beast::string_view payload) {
    if (kind == websocket::frame_type::pong) pongs.emplace_back(payload);
  });
  // Pings sent while the server writes a burst of frames: every pong must land between frames
  // (Beast's client fails the read on anything else).
  ws.text(true);
  ws.write(net::buffer(std::string("4burst")));
  ws.ping("one");
  ws.ping(websocket::ping_data(125, 'p'));
  for (std::size_t n : burst_sizes) {
    EXPECT_EQ(read(ws), "4" + std::string(n, 't')) << n;
    EXPECT_EQ(read(ws), std::string(n, 'b')) << n;
  }
  ws.write(net::buffer(std::string("4after")));
  EXPECT_EQ(read(ws), "4after");
  // "one" may have been superseded by the second ping before its pong was written.
  ASSERT_FALSE(pongs.empty());
  EXPECT_LE(pongs.size(), 2u);
  EXPECT_EQ(pongs.back(), std::string(125, 'p'));
  if (pongs.size() == 2) {
    EXPECT_EQ(pongs.front(), "one");
  }
}

TEST_F(websocket_test, client_close_is_answered_with_its_code) {
  auto ws = connect();
  read(ws);
  ws.close(websocket::close_reason(websocket::close_code::going_away));
  EXPECT_EQ(ws.reason().code, websocket::close_code::going_away);  // echoed by the server
  // ... and the session is gone.
  for (int i = 0; i < 100; ++i) {
    std::promise<std::size_t> count;
    net::post(ioc, [&] { count.set_value(eio->client_count()); });
    if (count.get_future().get() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::promise<std::size_t> after;
  net::post(ioc, [&] { after.set_value(eio->client_count()); });
  EXPECT_EQ(after.get_future().get(), 0u);
}

/// A raw websocket connection (the handshake done by Beast, then the bare socket), to send
/// frames Beast's client would refuse to send.
struct raw_client {
  tcp::socket socket;
  explicit raw_client(net::io_context& ioc, unsigned short port) : socket(ioc) {
    websocket::stream<tcp::socket> ws(ioc);
    ws.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    ws.handshake("localhost", "/engine.io/?EIO=4&transport=websocket");
    socket = std::move(ws.next_layer());
  }
  static std::string frame(std::uint8_t first, std::string_view payload, bool masked = true) {
    std::string f{static_cast<char>(first),
                  static_cast<char>((masked ? 0x80 : 0) | payload.size())};
    const char key[4] = {1, 2, 3, 4};
    if (masked) f.append(key, 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
      f.push_back(masked ? payload[i] ^ key[i & 3] : payload[i]);
    return f;
  }
  void send(std::uint8_t first, std::string_view payload, bool masked = true) {
    net::write(socket, net::buffer(frame(first, payload, masked)));
  }
  /// Reads until the server's close frame; returns its code (0: none, -1: connection closed
  /// without one).
  int close_code() {
    std::string got;
    char buf[4096];
    beast::error_code ec;
    for (;;) {
      const std::size_t n = socket.read_some(net::buffer(buf), ec);
      got.append(buf, n);
      // Frames from the server are unmasked and short here: walk them.
      std::size_t at = 0;
      while (at + 2 <= got.size()) {
        const auto op = static_cast<std::uint8_t>(got[at]) & 0x0F;
        const std::size_t len = static_cast<std::uint8_t>(got[at + 1]) & 0x7F;
        if (len > 125 || at + 2 + len > got.size()) break;
        if (op == 0x8) {
          if (len < 2) return 0;
          return (static_cast<std::uint8_t>(got[at + 2]) << 8) |
                 static_cast<std::uint8_t>(got[at + 3]);
        }
        at += 2 + len;
      }
      if (ec) return -1;
    }
  }
};

TEST_F(websocket_test, unmasked_frame_is_failed_with_1002) {
  raw_client c(client_ioc, port);
  c.send(0x81, "4hello", false);
  EXPECT_EQ(c.close_code(), 1002);
}

TEST_F(websocket_test, invalid_utf8_text_is_failed_with_1007) {
  raw_client c(client_ioc, port);
  c.send(0x81, "4\xFF");
  EXPECT_EQ(c.close_code(), 1007);
}

TEST_F(websocket_test, reserved_bits_are_failed_with_1002) {
  raw_client c(client_ioc, port);
  c.send(0xC1, "4hello");  // RSV1: no extension was negotiated
  EXPECT_EQ(c.close_code(), 1002);
}

TEST_F(websocket_test, fragmented_message_with_a_ping_between_is_one_message) {
  raw_client c(client_ioc, port);
  c.send(0x01, "4frag");
  c.send(0x89, "p");
  c.send(0x80, "mented");
  std::string got;
  char buf[4096];
  // The open packet, the pong and the echo: read until the echo is complete.
  while (got.find("4fragmented") == std::string::npos) {
    const std::size_t n = c.socket.read_some(net::buffer(buf));
    got.append(buf, n);
  }
  EXPECT_NE(got.find(std::string("\x8A\x01p", 3)), std::string::npos);  // the pong
}

TEST_F(websocket_test, pings_read_together_get_one_pong_for_the_latest) {
  raw_client c(client_ioc, port);
  // One write, so one read on the server: the pongs of "a" and "b" are superseded by "c"'s.
  net::write(c.socket, net::buffer(raw_client::frame(0x89, "a") + raw_client::frame(0x89, "b") +
                                   raw_client::frame(0x89, "c") + raw_client::frame(0x81, "4x")));
  std::string got;
  char buf[4096];
  while (got.find("4x") == std::string::npos) {
    const std::size_t n = c.socket.read_some(net::buffer(buf));
    got.append(buf, n);
  }
  EXPECT_EQ(got.find(std::string("\x8A\x01"
                                 "a",
                                 3)),
            std::string::npos);
  EXPECT_EQ(got.find(std::string("\x8A\x01"
                                 "b",
                                 3)),
            std::string::npos);
  EXPECT_NE(got.find(std::string("\x8A\x01"
                                 "c",
                                 3)),
            std::string::npos);
}

TEST_F(websocket_test, upgrade_with_another_version_gets_426) {
  beast::tcp_stream http_stream(client_ioc);
  http_stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get,
                                                    "/engine.io/?EIO=4&transport=websocket", 11};
  req.set(beast::http::field::host, "localhost");
  req.set(beast::http::field::connection, "Upgrade");
  req.set(beast::http::field::upgrade, "websocket");
  req.set(beast::http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(beast::http::field::sec_websocket_version, "8");
  beast::http::write(http_stream, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(http_stream, buffer, res);
  EXPECT_EQ(res.result_int(), 426u);
  EXPECT_EQ(res[beast::http::field::sec_websocket_version], "13");
}

}  // namespace
