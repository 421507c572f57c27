#include "engineio/transports/websocket_frame.hpp"

namespace chatgate::engineio {

websocket_frame::websocket_frame(std::uint8_t opcode, std::size_t length) {
  bytes_[0] = static_cast<char>(0x80 | opcode);  // FIN
  if (length <= 125) {
    bytes_[1] = static_cast<char>(length);
    size_ = 2;
  } else if (length <= 0xffff) {
    bytes_[1] = static_cast<char>(126);
    bytes_[2] = static_cast<char>((length >> 8) & 0xff);
    bytes_[3] = static_cast<char>(length & 0xff);
    size_ = 4;
  } else {
    bytes_[1] = static_cast<char>(127);
    const auto n = static_cast<std::uint64_t>(length);
    for (int i = 0; i < 8; ++i) bytes_[2 + i] = static_cast<char>((n >> (56 - 8 * i)) & 0xff);
    size_ = 10;
  }
}

websocket_frame websocket_frame::text(char prefix, std::size_t payload_size) {
  websocket_frame f(opcode_text, payload_size + 1);
  f.bytes_[f.size_++] = prefix;
  return f;
}

websocket_frame websocket_frame::binary(std::size_t payload_size) {
  return websocket_frame(opcode_binary, payload_size);
}

websocket_frame websocket_frame::control(std::uint8_t opcode, std::size_t payload_size) {
  return websocket_frame(opcode, payload_size);
}

}  // namespace chatgate::engineio
