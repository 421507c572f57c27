#pragma once
// MessagePack <-> JSON-with-attachments, the value mapping of Node's notepack.io 3.x (the parser
// of @socket.io/redis-adapter 8.x). Pure: no I/O. Uses libmsgpuck.
//
//   MessagePack                 JSON (boost::json::value)
//   nil                         null               (notepack writes undefined as nil too)
//   true / false                bool
//   positive / negative int     int64 (uint64 above INT64_MAX)
//   float 32 / float 64         double
//   str                         string
//   bin                         {"_placeholder":true,"num":N}, the bytes attachment N
//   array / map (str keys)      array / object
//   ext -1 (timestamp 32/64/96) string, ISO-8601 UTC with milliseconds (what JSON.stringify of
//                               a Date gives)
//   other ext                   null
// Encoding goes the other way: an integer, or a double with an integral value below 2^63, as the
// smallest MessagePack integer; other numbers as float 64; placeholders naming an attachment as
// bin; nothing else is ever written as ext.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

#include "engineio/socket.hpp"

namespace chatgate::cluster::redis {

/// Why bytes were not an acceptable MessagePack value.
enum class msgpack_error {
  invalid,         // not MessagePack, or truncated
  trailing_bytes,  // more bytes after the value
  too_deep,        // nesting past the limit
  bad_key,         // a map key that is not a string
};
std::string_view to_string(msgpack_error e) noexcept;

/// Nesting accepted when decoding (arrays and maps); deeper input is refused, never recursed.
inline constexpr int msgpack_max_depth = 64;

/// A MessagePack reader positioned in a buffer already checked by msgpack_to_json.
struct msgpack_reader {
  const char* pos;
  const char* end;
  std::vector<engineio::shared_bytes>* attachments;  // bin values go here
};

/// Decodes exactly one value spanning all of `bytes`.
boost::system::result<boost::json::value, msgpack_error> msgpack_to_json(
    std::string_view bytes, std::vector<engineio::shared_bytes>& attachments);
/// Decodes the value at `r.pos` (already validated) and advances past it.
boost::system::result<boost::json::value, msgpack_error> read_value(msgpack_reader& r, int depth);

/// Appends the MessagePack form of `v` to `out`; placeholders become bin from `attachments`.
void json_to_msgpack(const boost::json::value& v,
                     const std::vector<engineio::shared_bytes>& attachments, std::string& out);
/// Appends a str / map header / array header / integer (for frame writers).
void put_str(std::string& out, std::string_view s);
void put_map(std::string& out, std::uint32_t n);
void put_array(std::string& out, std::uint32_t n);
void put_int(std::string& out, std::int64_t v);
void put_bool(std::string& out, bool v);

/// `ms` since the epoch as `2026-11-25T21:04:05.123Z` (±YYYYYY outside years 0-9999, as JS).
std::string iso_from_ms(std::int64_t ms);

}  // namespace chatgate::cluster::redis
