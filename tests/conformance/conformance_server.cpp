// Protocol conformance server: an Engine.IO echo server at /engine.io/ with the settings the
// official v4 test suite expects, and (see the marked spot) the Socket.IO server at /socket.io/.
// Usage: conformance_server [--port N]   (default 3000; 127.0.0.1 and ::1, so "localhost" works
// whichever address the client resolves it to).
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "engineio/server.hpp"
#include "http/listener.hpp"
#include "socketio_app.hpp"

namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using namespace chatgate;

/// Hands each request to the first mounted handler whose path prefix matches; 404 otherwise.
class router final : public http::handler {
 public:
  void mount(std::string prefix, http::handler& target) {
    routes_.emplace_back(std::move(prefix), &target);
  }

  std::size_t body_limit(const http::request_header& header) const override {
    auto* target = route(header.target());
    return target ? target->body_limit(header) : 0;
  }
  http::response on_body_too_large(const http::request_header& header) override {
    auto* target = route(header.target());
    return target ? target->on_body_too_large(header) : not_found(header.version());
  }
  void on_request(http::request&& req, const http::connection_info& info,
                  http::responder respond) override {
    if (auto* target = route(req.target())) {
      return target->on_request(std::move(req), info, std::move(respond));
    }
    respond(not_found(req.version()));
  }
  void on_upgrade(http::request&& req, boost::beast::tcp_stream&& stream,
                  boost::beast::flat_buffer&& buffer, const http::connection_info& info) override {
    if (auto* target = route(req.target())) {
      target->on_upgrade(std::move(req), std::move(stream), std::move(buffer), info);
    }  // else the stream is dropped here, closing the connection
  }

 private:
  http::handler* route(std::string_view target) const {
    for (const auto& [prefix, handler] : routes_) {
      if (target.substr(0, prefix.size()) == prefix) return handler;
    }
    return nullptr;
  }
  static http::response not_found(unsigned version) {
    http::response res{bhttp::status::not_found, version};
    res.body() = "Not Found";
    return res;
  }

  std::vector<std::pair<std::string, http::handler*>> routes_;
};

unsigned short parse_port(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string_view(argv[i]) == "--port")
      return static_cast<unsigned short>(std::atoi(argv[i + 1]));
  }
  return 3000;
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned short port = parse_port(argc, argv);
  net::io_context ioc;

  // Engine.IO echo server, with the values the v4 test suite checks in the handshake.
  engineio::settings eio_settings;
  eio_settings.path = "/engine.io/";
  eio_settings.ping_interval = std::chrono::milliseconds(300);
  eio_settings.ping_timeout = std::chrono::milliseconds(200);
  eio_settings.max_payload = 1'000'000;
  engineio::server eio(ioc, eio_settings);
  eio.on_connection([](std::shared_ptr<engineio::socket> s) {
    std::weak_ptr<engineio::socket> weak = s;
    s->on_text = [weak](std::string_view text) {
      if (auto self = weak.lock()) self->send_text(std::make_shared<const std::string>(text));
    };
    s->on_binary = [weak](std::string_view bytes) {
      if (auto self = weak.lock()) self->send_binary(std::make_shared<const std::string>(bytes));
    };
  });

  router routes;
  routes.mount(eio_settings.path, eio);

  // ---- Socket.IO mount point (socketio engineer) -------------------------------------------
  // Socket.IO server on its own engineio::server at /socket.io/ (see socketio_app.hpp).
  conformance::socketio_app sio(ioc);
  routes.mount("/socket.io/", sio.engine());
  // ----------------------------------------------------------------------------------------

  std::vector<std::unique_ptr<http::listener>> listeners;
  for (const char* address : {"127.0.0.1", "::1"}) {
    auto l = std::make_unique<http::listener>(
        ioc, net::ip::tcp::endpoint(net::ip::make_address(address), port), routes);
    try {
      l->start();
      listeners.push_back(std::move(l));
    } catch (const std::exception& e) {
      std::cerr << "conformance_server: " << e.what() << "\n";
      if (listeners.empty()) return 1;  // IPv4 loopback is required, ::1 is best effort
    }
  }
  std::cout << "conformance_server listening on port " << port << std::endl;

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    for (auto& l : listeners) l->stop();
    eio.close_all();
    sio.close();
    ioc.stop();
  });
  ioc.run();
  return 0;
}
