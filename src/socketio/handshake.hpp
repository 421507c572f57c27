#pragma once
#include <cstdint>
#include <map>
#include <string>

#include <boost/json/object.hpp>

namespace chatgate::socketio {

/// What a socket knows of how it connected (Node's `socket.handshake`).
struct handshake {
  boost::json::object auth;                    // the CONNECT payload, {} when none
  std::map<std::string, std::string> query;    // decoded query parameters
  std::map<std::string, std::string> headers;  // lower-case names
  std::string address;                         // remote address
  std::string url;                             // request target of the first request
  std::int64_t issued = 0;                     // ms since the epoch, when the CONNECT arrived
};

}  // namespace chatgate::socketio
