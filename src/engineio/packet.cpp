#include "engineio/packet.hpp"

#include <stdexcept>

#include "core/base64.hpp"

namespace chatgate::engineio {

std::string_view to_string(codec_error e) noexcept {
  switch (e) {
    case codec_error::empty:
      return "empty packet";
    case codec_error::unknown_type:
      return "unknown packet type";
    case codec_error::bad_base64:
      return "invalid base64 binary packet";
  }
  return "codec error";
}

void throw_exception_from_error(codec_error e, const boost::source_location&) {
  throw std::invalid_argument(std::string(to_string(e)));
}

codec_result<packet> decode_packet(std::string_view text) {
  if (text.empty()) return codec_error::empty;
  const char first = text.front();
  if (first == 'b') {
    auto bytes = core::base64_decode(text.substr(1));
    if (!bytes) return codec_error::bad_base64;
    return packet{packet_type::message, std::move(*bytes), true};
  }
  if (first < '0' || first > '6') return codec_error::unknown_type;
  return packet{static_cast<packet_type>(first), std::string(text.substr(1)), false};
}

packet decode_binary_frame(std::string_view bytes) {
  return packet{packet_type::message, std::string(bytes), true};
}

void encode_packet(std::string& out, packet_type type, std::string_view data, bool binary) {
  if (binary) {
    out += 'b';
    core::base64_append(out, data);
    return;
  }
  out += static_cast<char>(type);
  out += data;
}

}  // namespace chatgate::engineio
