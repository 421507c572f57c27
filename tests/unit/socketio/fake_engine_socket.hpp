#pragma once
// An engineio::socket without I/O: records what the Socket.IO layer queues and lets a test
// play the client's messages and the transport's close.
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "engineio/socket.hpp"
#include "socketio/server.hpp"

namespace chatgate::socketio::testing {

class fake_engine_socket : public engineio::socket {
 public:
  struct frame {
    bool binary;
    engineio::shared_bytes data;
  };

  explicit fake_engine_socket(std::string id) : id_(std::move(id)) {}

  const std::string& id() const override { return id_; }
  const engineio::handshake_info& handshake() const override { return handshake_; }
  std::string_view transport_name() const override { return "websocket"; }
  void send_text(engineio::shared_bytes data) override { sent.push_back({false, std::move(data)}); }
  void send_binary(engineio::shared_bytes data) override {
    sent.push_back({true, std::move(data)});
  }
  void close() override { drop("forced close"); }

  /// The client sends a text / binary message.
  void recv(std::string_view text) { on_text(text); }
  void recv_binary(std::string_view bytes) { on_binary(bytes); }
  /// The transport goes away with `reason`.
  void drop(std::string_view reason) {
    if (closed) return;
    closed = true;
    if (on_close) on_close(reason);
  }

  /// Text messages sent so far (binary ones as "<bin:...>").
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& f : sent) out.push_back(f.binary ? "<bin:" + *f.data + ">" : *f.data);
    return out;
  }
  std::string last() const { return sent.empty() ? std::string() : *sent.back().data; }
  /// Sent messages after the connect answer(s), then clears them.
  std::vector<std::string> take() {
    auto out = texts();
    sent.clear();
    return out;
  }

  engineio::handshake_info handshake_;
  std::vector<frame> sent;
  bool closed = false;

 private:
  std::string id_;
};

/// Server plus helpers to open sessions on it.
struct harness {
  explicit harness(settings s = {}) : io(ioc.get_executor(), s) {}

  std::shared_ptr<fake_engine_socket> open_session() {
    auto conn = std::make_shared<fake_engine_socket>("eio" + std::to_string(++sessions));
    conn->handshake_ = engineio::handshake_info("/socket.io/?token=q", "127.0.0.1",
                                                {{"User-Agent", "test"}}, {{"token", "q"}});
    io.accept(conn);
    return conn;
  }
  /// A session connected to `nsp` (its CONNECT answer consumed).
  std::shared_ptr<fake_engine_socket> connect(std::string_view nsp = "/") {
    auto conn = open_session();
    conn->recv(nsp == "/" ? std::string("0") : "0" + std::string(nsp) + ",");
    conn->sent.clear();
    return conn;
  }
  void run_for(std::chrono::milliseconds d) {
    ioc.restart();
    ioc.run_for(d);
  }

  boost::asio::io_context ioc;
  server io;
  int sessions = 0;
};

}  // namespace chatgate::socketio::testing
