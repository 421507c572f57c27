#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engineio/socket.hpp"
#include "http/handler.hpp"

namespace chatgate::engineio {

/// Node's Server.errors: the code and message a refused request is answered with.
enum class request_error {
  unknown_transport = 0,     // "Transport unknown"
  unknown_sid = 1,           // "Session ID unknown"
  bad_handshake_method = 2,  // "Bad handshake method"
  bad_request = 3,           // "Bad request"
  forbidden = 4,             // "Forbidden" (403)
  unsupported_protocol = 5,  // "Unsupported protocol version"
};

std::string_view message_of(request_error e) noexcept;
/// `{"code":N,"message":"..."}` with 400 (403 for forbidden), as Node's abortRequest.
http::response error_response(request_error e, unsigned version);
/// The raw answer Node writes on a refused upgrade (abortUpgrade), then closes the socket.
std::string upgrade_error_response(request_error e);

/// The decoded query string of a request target; nullopt if the target does not parse.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view target);

/// Node's checkInvalidHeaderChar on the Origin header.
bool valid_header_value(std::string_view value) noexcept;

/// What the layer above sees of the handshake request.
handshake_info make_handshake_info(const http::request& req,
                                   const std::map<std::string, std::string>& query,
                                   const http::connection_info& info);

}  // namespace chatgate::engineio
