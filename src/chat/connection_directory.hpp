#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace chatgate::chat {

/// One live socket, as GET /api/v1/admin/connections shows it (contract §8).
struct connection_record {
  std::string id;  // the Socket.IO socket id
  std::string user_id;
  std::string instance;   // names the chatgate process holding the socket
  std::string transport;  // "polling" or "websocket"
  core::sys_time_ms connected_at{};
  std::vector<std::string> rooms;  // named rooms (conversation:{id}, user:{id}), not its own id
};

/// The live sockets, for operators. The gateway implements it over its namespace (this
/// instance's sockets; a cluster implementation would gather every instance's). Answers through
/// a callback, once, on the io thread, now or later.
class connection_directory {
 public:
  virtual ~connection_directory() = default;
  /// The authenticated sockets, of `user_id` only when given.
  virtual void list_connections(const std::optional<std::string>& user_id,
                                std::function<void(std::vector<connection_record>)> done) = 0;
};

}  // namespace chatgate::chat
