#pragma once
// Polling payloads: packets joined by the record separator 0x1E (see packet.hpp for the
// packet forms). "4hello\x1e2\x1ebAQIDBA==" is a text message, a ping and 4 bytes 01 02 03 04.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engineio/packet.hpp"

namespace chatgate::engineio {

inline constexpr char record_separator = '\x1e';

/// The packets decoded before the first bad one, and what was wrong with that one. The Node
/// server delivers the good packets, then closes the session with "parse error".
struct decoded_payload {
  std::vector<packet> packets;
  std::optional<codec_error> error;
};

decoded_payload decode_payload(std::string_view body);

/// Builds one polling response body; each packet is appended without an intermediate copy.
class payload_writer {
 public:
  void add(packet_type type, std::string_view data, bool binary = false);
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return body_.size(); }
  std::size_t count() const { return count_; }
  std::string take() { return std::move(body_); }

 private:
  std::string body_;
  std::size_t count_ = 0;
};

}  // namespace chatgate::engineio
