#pragma once
#include <string>
#include <string_view>

#include "http/handler.hpp"

namespace chatgate::engineio {

/// The server's answer to a websocket upgrade request (RFC 6455 §4.2), as raw HTTP/1.1 bytes.
struct upgrade_answer {
  bool accepted = false;  // 101: the connection is a websocket once `response` is written
  std::string response;   // 101, or 400 / 426 (then the connection is closed after it)
};

/// Sec-WebSocket-Accept for `key`: base64(SHA-1(key + the RFC's GUID)).
std::string sec_websocket_accept(std::string_view key);

/// Checks what Beast's accept checked (HTTP/1.1 GET with Host, Connection: upgrade, Upgrade:
/// websocket, a Sec-WebSocket-Key of at most 24 characters, Sec-WebSocket-Version 13) and
/// answers with the same responses: 101 with Upgrade, Connection, Sec-WebSocket-Accept and
/// Server headers; 426 with Sec-WebSocket-Version: 13 for another version; 400 otherwise. No
/// extension is negotiated (permessage-deflate offers are ignored).
upgrade_answer answer_upgrade(const http::request& req);

}  // namespace chatgate::engineio
