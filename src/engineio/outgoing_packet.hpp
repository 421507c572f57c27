#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "engineio/packet.hpp"
#include "engineio/socket.hpp"

namespace chatgate::engineio {

/// A queued packet. The payload is shared, never copied per recipient: the websocket transport
/// writes {type, *data} as one frame, the polling transport appends *data to the payload.
struct outgoing_packet {
  packet_type type = packet_type::message;
  shared_bytes data;  // null for packets without data ("2", "6", ...)
  bool binary = false;

  std::size_t size() const { return 1 + (data ? data->size() : 0); }
  std::string_view view() const { return data ? std::string_view(*data) : std::string_view(); }
};

inline outgoing_packet make_packet(packet_type type, std::string data = {}) {
  if (data.empty()) return outgoing_packet{type, nullptr, false};
  return outgoing_packet{type, std::make_shared<const std::string>(std::move(data)), false};
}

}  // namespace chatgate::engineio
