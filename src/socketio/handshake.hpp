#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "engineio/socket.hpp"

namespace chatgate::socketio {

/// What a socket knows of how it connected (Node's `socket.handshake`). The request's part
/// (query, headers, address, url) is the Engine.IO session's own handshake_info, shared, not
/// copied per socket: only the CONNECT payload and its time are the socket's.
struct handshake {
  handshake() = default;
  handshake(boost::json::object connect_auth,
            std::shared_ptr<const engineio::handshake_info> request, std::int64_t issued_at)
      : auth(std::move(connect_auth)), issued(issued_at), request_(std::move(request)) {}

  boost::json::object auth;  // the CONNECT payload, {} when none
  std::int64_t issued = 0;   // ms since the epoch, when the CONNECT arrived

  /// Decoded query parameters of the first request.
  engineio::string_pairs query() const { return info().query(); }
  /// Its headers, lower-case names.
  engineio::string_pairs headers() const { return info().headers(); }
  /// Remote address.
  std::string_view address() const { return info().remote_address(); }
  /// Request target of the first request.
  std::string_view url() const { return info().url(); }

 private:
  const engineio::handshake_info& info() const {
    static const engineio::handshake_info none;
    return request_ ? *request_ : none;
  }
  std::shared_ptr<const engineio::handshake_info> request_;
};

}  // namespace chatgate::socketio
