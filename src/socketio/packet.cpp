#include "socketio/packet.hpp"

#include "core/json_reader.hpp"
#include "core/json_writer.hpp"

#include <algorithm>
#include <array>
#include <boost/throw_exception.hpp>
#include <stdexcept>

namespace chatgate::socketio {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads decimal digits at `pos`; false on overflow. At least one digit must be present.
bool read_number(std::string_view s, std::size_t& pos, std::uint64_t& out) {
  std::size_t start = pos;
  out = 0;
  while (pos < s.size() && is_digit(s[pos])) {
    std::uint64_t d = static_cast<std::uint64_t>(s[pos] - '0');
    if (out > (UINT64_MAX - d) / 10) return false;
    out = out * 10 + d;
    ++pos;
  }
  return pos > start;
}

bool valid_event_payload(const boost::json::value& v) {
  const auto* arr = v.if_array();
  if (!arr || arr->empty()) return false;
  const auto& name = arr->front();
  if (name.is_number()) return true;
  return name.is_string() && !is_reserved_event(name.get_string());
}

// socket.io-parser's isPayloadValid; null means "no payload".
bool valid_payload(packet_type type, const boost::json::value& v) {
  switch (type) {
    case packet_type::connect:
      return v.is_null() || v.is_object();
    case packet_type::disconnect:
      return v.is_null();
    case packet_type::connect_error:
      return v.is_string() || v.is_object();
    case packet_type::event:
    case packet_type::binary_event:
      return valid_event_payload(v);
    case packet_type::ack:
    case packet_type::binary_ack:
      return v.is_array();
  }
  return false;
}

decode_result<boost::json::value> parse_payload(std::string_view text) {
  auto v = core::parse_json(text, 64);
  // "null" is never a valid payload, so null doubles as "absent".
  if (!v || v->is_null()) return decode_error::bad_json;
  return std::move(*v);
}

}  // namespace

bool is_reserved_event(std::string_view event) {
  static constexpr std::array<std::string_view, 6> reserved{
      "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};
  return std::find(reserved.begin(), reserved.end(), event) != reserved.end();
}

std::string_view to_string(decode_error e) noexcept {
  switch (e) {
    case decode_error::empty:
      return "empty packet";
    case decode_error::unknown_type:
      return "unknown packet type";
    case decode_error::bad_attachments:
      return "illegal attachments";
    case decode_error::bad_ack_id:
      return "invalid ack id";
    case decode_error::bad_json:
      return "invalid JSON payload";
    case decode_error::bad_payload:
      return "invalid payload";
    case decode_error::unexpected_binary:
      return "got binary data when not reconstructing a packet";
    case decode_error::unexpected_text:
      return "got plaintext data when reconstructing a packet";
    case decode_error::missing_attachment:
      return "illegal attachments";
  }
  return "unknown decode error";
}

void throw_exception_from_error(decode_error e, const boost::source_location& loc) {
  boost::throw_exception(std::runtime_error(std::string(to_string(e))), loc);
}

decode_result<decoded_header> decode_text(std::string_view s, std::size_t max_attachments) {
  if (s.empty()) return decode_error::empty;
  if (s[0] < '0' || s[0] > '6') return decode_error::unknown_type;
  decoded_header out;
  out.pkt.type = static_cast<packet_type>(s[0] - '0');
  std::size_t pos = 1;
  bool binary =
      out.pkt.type == packet_type::binary_event || out.pkt.type == packet_type::binary_ack;
  if (binary) {
    std::uint64_t n = 0;
    if (!read_number(s, pos, n) || pos >= s.size() || s[pos] != '-' || n > max_attachments) {
      return decode_error::bad_attachments;
    }
    out.expected_attachments = static_cast<std::size_t>(n);
    ++pos;
  }
  if (pos < s.size() && s[pos] == '/') {
    std::size_t comma = s.find(',', pos);
    std::size_t end = comma == std::string_view::npos ? s.size() : comma;
    out.pkt.nsp.assign(s.substr(pos, end - pos));
    pos = comma == std::string_view::npos ? s.size() : comma + 1;
  }
  if (pos < s.size() && is_digit(s[pos])) {
    std::uint64_t id = 0;
    if (!read_number(s, pos, id)) return decode_error::bad_ack_id;
    out.pkt.id = id;
  }
  if (pos < s.size()) {
    auto v = parse_payload(s.substr(pos));
    if (!v) return v.error();
    out.pkt.data = std::move(*v);
  }
  if (!valid_payload(out.pkt.type, out.pkt.data)) return decode_error::bad_payload;
  if (binary) {
    out.pkt.type =
        out.pkt.type == packet_type::binary_event ? packet_type::event : packet_type::ack;
  }
  return out;
}

std::string encode_text(const packet& p) {
  bool binary = !p.attachments.empty() &&
                (p.type == packet_type::event || p.type == packet_type::ack ||
                 p.type == packet_type::binary_event || p.type == packet_type::binary_ack);
  packet_type type = p.type;
  if (binary && type == packet_type::event) type = packet_type::binary_event;
  if (binary && type == packet_type::ack) type = packet_type::binary_ack;
  std::string out;
  out.push_back(static_cast<char>('0' + static_cast<int>(type)));
  if (binary) {
    out += std::to_string(p.attachments.size());
    out.push_back('-');
  }
  if (!p.nsp.empty() && p.nsp != "/") {
    out += p.nsp;
    out.push_back(',');
  }
  if (p.id) out += std::to_string(*p.id);
  if (!p.encoded_data.empty())
    out += p.encoded_data;
  else if (!p.data.is_null())
    core::write_json(out, p.data);
  return out;
}

encoded_packet encode(const packet& p) {
  encoded_packet enc;
  enc.text = std::make_shared<const std::string>(encode_text(p));
  enc.attachments = p.attachments;
  return enc;
}

}  // namespace chatgate::socketio
