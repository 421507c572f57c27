#include "socketio_app.hpp"

#include "socketio/socket.hpp"

namespace chatgate::conformance {
namespace {

engineio::settings engine_settings() {
  engineio::settings s;
  s.path = "/socket.io/";
  s.ping_interval = std::chrono::milliseconds(300);
  s.ping_timeout = std::chrono::milliseconds(200);
  s.max_payload = 1'000'000;
  return s;
}

socketio::settings io_settings() {
  socketio::settings s;
  s.connect_timeout = std::chrono::milliseconds(1000);
  return s;
}

}  // namespace

socketio_app::socketio_app(boost::asio::io_context& ioc)
    : engine_(ioc, engine_settings()), io_(ioc.get_executor(), io_settings()) {
  engine_.on_connection([this](std::shared_ptr<engineio::socket> s) { io_.accept(std::move(s)); });
  io_.of("/").on_connection([this](std::shared_ptr<socketio::socket> s) {
    on_connection(s);
    std::weak_ptr<socketio::socket> weak = s;
    s->on("message", [weak](const socketio::args& a, socketio::ack_fn) {
      if (auto self = weak.lock()) self->emit("message-back", a);
    });
    s->on("message-with-ack", [](const socketio::args& a, socketio::ack_fn ack) {
      if (ack) ack(a);
    });
  });
  io_.of("/custom").on_connection([this](std::shared_ptr<socketio::socket> s) {
    on_connection(s);
    add_test_events(s);
  });
}

void socketio_app::on_connection(const std::shared_ptr<socketio::socket>& s) {
  s->emit("auth", {s->handshake().auth});
  s->on_disconnect([this](std::string_view reason) {
    reasons_.emplace_back(reason);
    if (reasons_.size() > 20) reasons_.pop_front();
  });
}

void socketio_app::add_test_events(const std::shared_ptr<socketio::socket>& s) {
  std::weak_ptr<socketio::socket> weak = s;
  s->on("request-ack", [weak](const socketio::args& a, socketio::ack_fn) {
    auto self = weak.lock();
    if (!self || a.empty() || !a[0].is_string()) return;
    socketio::args rest(boost::json::array(a.begin() + 1, a.end()), a.attachments());
    self->emit_with_ack(
        std::string(a[0].get_string()), std::move(rest),
        [weak](std::optional<socketio::ack_error> err, socketio::args reply) {
          auto again = weak.lock();
          if (!again) return;
          if (err)
            return void(again->emit("ack-result", {boost::json::object{{"error", err->message}}}));
          again->emit("ack-result", std::move(reply));
        },
        std::chrono::milliseconds(2000));
  });
  s->on("drop-transport", [weak](const socketio::args&, socketio::ack_fn) {
    auto self = weak.lock();
    if (auto conn = self ? self->conn() : nullptr) conn->close();
  });
  s->on("server-disconnect", [weak](const socketio::args&, socketio::ack_fn) {
    if (auto self = weak.lock()) self->disconnect();
  });
  s->on("disconnect-reasons", [this](const socketio::args&, socketio::ack_fn ack) {
    if (!ack) return;
    boost::json::array list;
    for (const auto& r : reasons_) list.emplace_back(r);
    ack({list});
  });
}

void socketio_app::close() {
  io_.close();
  engine_.close_all();
}

}  // namespace chatgate::conformance
