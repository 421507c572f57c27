#include "engineio/payload.hpp"

namespace chatgate::engineio {

decoded_payload decode_payload(std::string_view body) {
  decoded_payload out;
  while (true) {
    const auto end = body.find(record_separator);
    auto decoded = decode_packet(body.substr(0, end));
    if (!decoded) {
      out.error = decoded.error();
      return out;
    }
    out.packets.push_back(std::move(*decoded));
    if (end == std::string_view::npos) return out;
    body.remove_prefix(end + 1);
  }
}

void payload_writer::add(packet_type type, std::string_view data, bool binary) {
  if (count_++ > 0) body_ += record_separator;
  encode_packet(body_, type, data, binary);
}

}  // namespace chatgate::engineio
