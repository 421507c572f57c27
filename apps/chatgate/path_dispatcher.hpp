#pragma once
#include "http/handler.hpp"

namespace chatgate::app {

/// Sends requests under /socket.io/ to the Socket.IO handler (once the gateway sets one) and
/// everything else to the REST router, so one port can serve both (HTTP_PORT == WS_PORT).
class path_dispatcher final : public http::handler {
 public:
  explicit path_dispatcher(http::handler& rest);

  /// The Socket.IO side (engine.io server); nullptr: /socket.io/ goes to REST (404).
  void set_socket_handler(http::handler* socket);

  std::size_t body_limit(const http::request_header& header) const override;
  http::response on_body_too_large(const http::request_header& header) override;
  void on_request(http::request&& req, const http::connection_info& info,
                  http::responder respond) override;
  void on_upgrade(http::request&& req, boost::beast::tcp_stream&& stream,
                  boost::beast::flat_buffer&& buffer, const http::connection_info& info) override;

  /// True for "/socket.io" and "/socket.io/..." (query ignored).
  static bool is_socket_path(std::string_view target) noexcept;

 private:
  http::handler& pick(const http::request_header& header) const;

  http::handler& rest_;
  http::handler* socket_ = nullptr;
};

}  // namespace chatgate::app
