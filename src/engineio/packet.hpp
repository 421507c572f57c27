#pragma once
// Engine.IO protocol 4 packet codec (no I/O).
//
//   text packet      <type>[<data>]            type is one ASCII digit:
//                                                0 open  1 close  2 ping  3 pong
//                                                4 message  5 upgrade  6 noop
//                    "4hello"  "2"  "3probe"  "0{\"sid\":...}"
//   binary packet    websocket: a binary frame holding the message bytes (type message implied)
//                    polling:   'b' <base64(bytes)> inside a payload, e.g. "bAQIDBA=="
//   payload          packet ( 0x1E packet )*   (polling bodies; see payload.hpp)
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace chatgate::engineio {

enum class packet_type : char {
  open = '0',
  close = '1',
  ping = '2',
  pong = '3',
  message = '4',
  upgrade = '5',
  noop = '6',
};

/// One decoded packet; `binary` only for message packets carrying bytes.
struct packet {
  packet_type type = packet_type::message;
  std::string data;
  bool binary = false;

  bool operator==(const packet&) const = default;
};

/// Why bytes were not a packet (the Node server closes the session with "parse error").
enum class codec_error {
  empty,         // "" is not a packet
  unknown_type,  // first character is not 0-6 nor 'b'
  bad_base64,    // 'b' followed by something that is not base64
};

std::string_view to_string(codec_error e) noexcept;
/// Lets result::value() throw when the caller insists (a broken invariant there).
[[noreturn]] void throw_exception_from_error(codec_error e, const boost::source_location& loc);

template <class T>
using codec_result = boost::system::result<T, codec_error>;

/// Decodes a text packet (a websocket text frame or one element of a polling payload).
codec_result<packet> decode_packet(std::string_view text);
/// A websocket binary frame: always a binary message.
packet decode_binary_frame(std::string_view bytes);

/// Appends the text form of a packet to `out` (binary messages as 'b'+base64: payload form).
void encode_packet(std::string& out, packet_type type, std::string_view data, bool binary);
inline std::string encode_packet(const packet& p) {
  std::string out;
  encode_packet(out, p.type, p.data, p.binary);
  return out;
}

}  // namespace chatgate::engineio
