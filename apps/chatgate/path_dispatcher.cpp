#include "path_dispatcher.hpp"

namespace chatgate::app {

path_dispatcher::path_dispatcher(http::handler& rest) : rest_(rest) {}

void path_dispatcher::set_socket_handler(http::handler* socket) {
  socket_ = socket;
}

bool path_dispatcher::is_socket_path(std::string_view target) noexcept {
  constexpr std::string_view prefix = "/socket.io";
  if (!target.starts_with(prefix)) return false;
  return target.size() == prefix.size() || target[prefix.size()] == '/' ||
         target[prefix.size()] == '?';
}

http::handler& path_dispatcher::pick(const http::request_header& header) const {
  auto target = header.target();
  if (socket_ && is_socket_path(std::string_view(target.data(), target.size()))) return *socket_;
  return rest_;
}

std::size_t path_dispatcher::body_limit(const http::request_header& header) const {
  return pick(header).body_limit(header);
}

http::response path_dispatcher::on_body_too_large(const http::request_header& header) {
  return pick(header).on_body_too_large(header);
}

void path_dispatcher::on_request(http::request&& req, const http::connection_info& info,
                                 http::responder respond) {
  auto& target = pick(req);
  // REST answers HEAD as GET; http_session drops the body. Engine.IO sees HEAD as it came
  // (a HEAD must not take a long-poll's packets).
  if (&target == &rest_ && req.method() == boost::beast::http::verb::head)
    req.method(boost::beast::http::verb::get);
  target.on_request(std::move(req), info, std::move(respond));
}

void path_dispatcher::on_upgrade(http::request&& req, boost::beast::tcp_stream&& stream,
                                 boost::beast::flat_buffer&& buffer,
                                 const http::connection_info& info) {
  pick(req).on_upgrade(std::move(req), std::move(stream), std::move(buffer), info);
}

}  // namespace chatgate::app
