#pragma once
// Socket.IO protocol 5 packet codec (no I/O).
//
//   <type>[<attachments>-][<nsp>,][<ack id>][<JSON payload>]
//
//   type          one digit: 0 CONNECT  1 DISCONNECT  2 EVENT  3 ACK  4 CONNECT_ERROR
//                            5 BINARY_EVENT  6 BINARY_ACK
//   attachments   binary types only: how many Engine.IO binary messages follow, then '-'
//   nsp           omitted for "/"; otherwise starts with '/' and ends with ','
//   ack id        decimal digits (EVENT asks for an ack; ACK answers it)
//   payload       CONNECT: object (auth) or none     DISCONNECT: none
//                 EVENT: ["name", args...]           ACK: [args...]
//                 CONNECT_ERROR: {"message", "data"?} (or a string)
//
//   "0"  "0/admin,{\"token\":\"x\"}"  "2[\"hi\",1]"  "212[\"hi\"]"  "3/admin,12[\"ok\"]"
//   "51-[\"up\",{\"_placeholder\":true,\"num\":0}]" then one binary message <bytes>
//
// Binary values never appear inside the JSON: they stay as `{"_placeholder":true,"num":N}`
// objects and travel as separate messages (see args.hpp), so encoding needs no extraction pass.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "engineio/socket.hpp"

namespace chatgate::socketio {

using engineio::shared_bytes;

enum class packet_type : std::uint8_t {
  connect = 0,
  disconnect = 1,
  event = 2,
  ack = 3,
  connect_error = 4,
  binary_event = 5,
  binary_ack = 6,
};

/// One packet. After decoding, binary types are reported as event/ack with `attachments` filled.
struct packet {
  packet_type type = packet_type::event;
  std::string nsp = "/";
  std::optional<std::uint64_t> id;  // ack id
  boost::json::value data;          // null: no payload (null is never a valid payload)
  std::vector<shared_bytes> attachments;
  // Sending only: the payload already written as JSON text (args::encoded), put in the packet
  // as is instead of `data`. Never set by decoding.
  std::string encoded_data;
};

/// Why text or bytes were not a packet; the session is then closed, as the Node server does.
enum class decode_error {
  empty,               // "" is not a packet
  unknown_type,        // first character not 0-6
  bad_attachments,     // attachment count missing, not a number, or over the limit
  bad_ack_id,          // ack id too large
  bad_json,            // payload is not JSON
  bad_payload,         // payload of the wrong shape for the type (see diagram)
  unexpected_binary,   // a binary message when no attachment was announced
  unexpected_text,     // a text message while attachments are still awaited
  missing_attachment,  // a placeholder refers to an attachment that does not exist
};

std::string_view to_string(decode_error e) noexcept;
/// Lets result::value() throw when the caller insists (a broken invariant there).
[[noreturn]] void throw_exception_from_error(decode_error e, const boost::source_location& loc);

template <class T>
using decode_result = boost::system::result<T, decode_error>;

/// Decodes the text part of a packet; binary types come back with `attachments` empty and the
/// announced count in `expected_attachments`.
struct decoded_header {
  packet pkt;
  std::size_t expected_attachments = 0;
};
decode_result<decoded_header> decode_text(std::string_view text, std::size_t max_attachments);

/// Event names the protocol reserves ("connect", "disconnect", ...): never emitted, and a
/// received EVENT naming one is invalid.
bool is_reserved_event(std::string_view event);

/// A packet encoded once: the text message, then one binary message per attachment. Shared so
/// that a broadcast queues the same buffers on every recipient.
struct encoded_packet {
  shared_bytes text;
  std::vector<shared_bytes> attachments;
};

/// Encodes `p`. EVENT/ACK with attachments become BINARY_EVENT/BINARY_ACK.
encoded_packet encode(const packet& p);
/// The text part only (what `encode` puts in `text`).
std::string encode_text(const packet& p);

}  // namespace chatgate::socketio
