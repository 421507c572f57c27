#include "cluster/redis/msgpack_json.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>
#include <msgpuck.h>

#include "socketio/args.hpp"

namespace chatgate::cluster::redis {

namespace json = boost::json;
using value_result = boost::system::result<json::value, msgpack_error>;

std::string_view to_string(msgpack_error e) noexcept {
  switch (e) {
    case msgpack_error::invalid:
      return "not MessagePack or truncated";
    case msgpack_error::trailing_bytes:
      return "bytes after the value";
    case msgpack_error::too_deep:
      return "nested too deeply";
    case msgpack_error::bad_key:
      return "map key is not a string";
  }
  return "unknown";
}

namespace {

value_result fail(msgpack_error e) {
  return value_result(boost::system::in_place_error, e);
}

std::uint64_t read_be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

/// Days since 1970-01-01 to civil date (H. Hinnant's algorithm).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

/// An ext value (header not yet consumed): a timestamp (-1) as an ISO string, else null.
value_result read_ext(msgpack_reader& r) {
  const auto* p = reinterpret_cast<const unsigned char*>(r.pos);
  const auto avail = static_cast<std::size_t>(r.end - r.pos);
  std::uint32_t len = 0;
  std::size_t header = 0;
  const std::size_t need_header = p[0] == 0xc7 ? 2 : p[0] == 0xc8 ? 3 : p[0] == 0xc9 ? 5 : 1;
  if (p[0] == 0xc1 || avail < need_header + 1) return fail(msgpack_error::invalid);
  switch (p[0]) {
    case 0xd4:
      len = 1;
      header = 1;
      break;
    case 0xd5:
      len = 2;
      header = 1;
      break;
    case 0xd6:
      len = 4;
      header = 1;
      break;
    case 0xd7:
      len = 8;
      header = 1;
      break;
    case 0xd8:
      len = 16;
      header = 1;
      break;
    case 0xc7:
      len = p[1];
      header = 2;
      break;
    case 0xc8:
      len = static_cast<std::uint32_t>(read_be(p + 1, 2));
      header = 3;
      break;
    default:
      len = static_cast<std::uint32_t>(read_be(p + 1, 4));
      header = 5;
      break;  // 0xc9
  }
  if (avail - header - 1 < len) return fail(msgpack_error::invalid);
  const auto type = static_cast<std::int8_t>(p[header]);
  const unsigned char* data = p + header + 1;
  r.pos = reinterpret_cast<const char*>(data + len);
  if (type != -1) return json::value(nullptr);
  std::int64_t sec = 0;
  std::uint32_t nsec = 0;
  if (len == 4) {
    sec = static_cast<std::int64_t>(read_be(data, 4));
  } else if (len == 8) {
    auto v = read_be(data, 8);
    nsec = static_cast<std::uint32_t>(v >> 34);
    sec = static_cast<std::int64_t>(v & 0x3ffffffffULL);
  } else if (len == 12) {
    nsec = static_cast<std::uint32_t>(read_be(data, 4));
    sec = static_cast<std::int64_t>(read_be(data + 4, 8));
  } else {
    return json::value(nullptr);
  }
  // JS dates hold ±8.64e15 ms; anything past that is not a date a Node peer can send.
  if (sec > 8'640'000'000'000 || sec < -8'640'000'000'000) return json::value(nullptr);
  return json::value(json::string(iso_from_ms(sec * 1000 + nsec / 1'000'000)));
}

value_result read_map(msgpack_reader& r, int depth) {
  const std::uint32_t n = mp_decode_map(&r.pos);
  json::object o;
  o.reserve(std::min<std::size_t>(n, static_cast<std::size_t>(r.end - r.pos)));
  for (std::uint32_t i = 0; i < n; ++i) {
    if (mp_typeof(*r.pos) != MP_STR) return fail(msgpack_error::bad_key);
    std::uint32_t klen = 0;
    const char* k = mp_decode_str(&r.pos, &klen);
    auto v = read_value(r, depth + 1);
    if (!v) return v;
    o[std::string_view(k, klen)] = std::move(*v);
  }
  return json::value(std::move(o));
}

/// Checks that [p, end) holds exactly one well-formed value: every header and payload inside the
/// buffer, no 0xc1, element counts bounded by the bytes left. (msgpuck's mp_check is not enough:
/// it overflows on 32-bit counts and does not bound ext headers, both found by fuzzing.)
bool well_formed(const unsigned char* p, const unsigned char* end, const unsigned char** stop) {
  std::uint64_t pending = 1;  // values still to read
  while (pending > 0) {
    if (p >= end || pending > static_cast<std::uint64_t>(end - p)) return false;
    const unsigned c = *p;
    std::uint64_t header = 1, payload = 0, children = 0;
    auto sized = [&](int bytes) {  // a length field of `bytes` after the type byte
      if (end - p < 1 + bytes) return false;
      header = 1 + static_cast<std::uint64_t>(bytes);
      payload = read_be(p + 1, bytes);
      return true;
    };
    if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3) {
    } else if (c >= 0x80 && c <= 0x8f) {
      children = 2 * (c & 0x0f);
    } else if (c >= 0x90 && c <= 0x9f) {
      children = c & 0x0f;
    } else if (c >= 0xa0 && c <= 0xbf) {
      payload = c & 0x1f;
    } else if (c == 0xc4 || c == 0xd9) {
      if (!sized(1)) return false;
    } else if (c == 0xc5 || c == 0xda) {
      if (!sized(2)) return false;
    } else if (c == 0xc6 || c == 0xdb) {
      if (!sized(4)) return false;
    } else if (c == 0xc7 || c == 0xc8 || c == 0xc9) {
      if (!sized(c == 0xc7 ? 1 : c == 0xc8 ? 2 : 4)) return false;
      payload += 1;  // the type byte
    } else if (c == 0xca) {
      payload = 4;
    } else if (c == 0xcb) {
      payload = 8;
    } else if (c >= 0xcc && c <= 0xcf) {
      payload = 1u << (c - 0xcc);
    } else if (c >= 0xd0 && c <= 0xd3) {
      payload = 1u << (c - 0xd0);
    } else if (c >= 0xd4 && c <= 0xd8) {
      payload = 1 + (1u << (c - 0xd4));
    } else if (c == 0xdc || c == 0xdd) {
      if (!sized(c == 0xdc ? 2 : 4)) return false;
      children = payload;
      payload = 0;
    } else if (c == 0xde || c == 0xdf) {
      if (!sized(c == 0xde ? 2 : 4)) return false;
      children = 2 * payload;
      payload = 0;
    } else {
      return false;  // 0xc1, never used
    }
    if (static_cast<std::uint64_t>(end - p) < header + payload) return false;
    p += header + payload;
    pending = pending - 1 + children;
  }
  *stop = p;
  return true;
}

}  // namespace

value_result read_value(msgpack_reader& r, int depth) {
  if (depth > msgpack_max_depth) return fail(msgpack_error::too_deep);
  switch (mp_typeof(*r.pos)) {
    case MP_NIL:
      mp_decode_nil(&r.pos);
      return json::value(nullptr);
    case MP_BOOL:
      return json::value(mp_decode_bool(&r.pos));
    case MP_UINT: {
      const std::uint64_t u = mp_decode_uint(&r.pos);
      if (u <= static_cast<std::uint64_t>(INT64_MAX))
        return json::value(static_cast<std::int64_t>(u));
      return json::value(u);
    }
    case MP_INT:
      return json::value(mp_decode_int(&r.pos));
    case MP_FLOAT:
      return json::value(static_cast<double>(mp_decode_float(&r.pos)));
    case MP_DOUBLE:
      return json::value(mp_decode_double(&r.pos));
    case MP_STR: {
      std::uint32_t len = 0;
      const char* s = mp_decode_str(&r.pos, &len);
      return json::value(json::string(std::string_view(s, len)));
    }
    case MP_BIN: {
      std::uint32_t len = 0;
      const char* s = mp_decode_bin(&r.pos, &len);
      json::object placeholder;
      placeholder["_placeholder"] = true;
      placeholder["num"] = r.attachments->size();
      r.attachments->push_back(std::make_shared<const std::string>(s, len));
      return json::value(std::move(placeholder));
    }
    case MP_ARRAY: {
      const std::uint32_t n = mp_decode_array(&r.pos);
      json::array a;
      a.reserve(std::min<std::size_t>(n, static_cast<std::size_t>(r.end - r.pos)));
      for (std::uint32_t i = 0; i < n; ++i) {
        auto v = read_value(r, depth + 1);
        if (!v) return v;
        a.push_back(std::move(*v));
      }
      return json::value(std::move(a));
    }
    case MP_MAP:
      return read_map(r, depth);
    case MP_EXT:
      return read_ext(r);
  }
  return fail(msgpack_error::invalid);
}

value_result msgpack_to_json(std::string_view bytes,
                             std::vector<engineio::shared_bytes>& attachments) {
  if (bytes.empty()) return fail(msgpack_error::invalid);
  const auto* begin = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* uend = begin + bytes.size();
  const unsigned char* stop = nullptr;
  if (!well_formed(begin, uend, &stop)) return fail(msgpack_error::invalid);
  if (stop != uend) return fail(msgpack_error::trailing_bytes);
  const char* end = bytes.data() + bytes.size();
  msgpack_reader r{bytes.data(), end, &attachments};
  return read_value(r, 0);
}

namespace {

template <class F>
void put(std::string& out, std::size_t n, F&& encode) {
  const auto old = out.size();
  out.resize(old + n);
  char* end = encode(out.data() + old);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

}  // namespace

void put_str(std::string& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  put(out, mp_sizeof_str(n), [&](char* p) { return mp_encode_str(p, s.data(), n); });
}
void put_map(std::string& out, std::uint32_t n) {
  put(out, mp_sizeof_map(n), [&](char* p) { return mp_encode_map(p, n); });
}
void put_array(std::string& out, std::uint32_t n) {
  put(out, mp_sizeof_array(n), [&](char* p) { return mp_encode_array(p, n); });
}
void put_int(std::string& out, std::int64_t v) {
  if (v >= 0) {
    const auto u = static_cast<std::uint64_t>(v);
    put(out, mp_sizeof_uint(u), [&](char* p) { return mp_encode_uint(p, u); });
  } else {
    put(out, mp_sizeof_int(v), [&](char* p) { return mp_encode_int(p, v); });
  }
}
void put_bool(std::string& out, bool v) {
  put(out, mp_sizeof_bool(v), [&](char* p) { return mp_encode_bool(p, v); });
}

void json_to_msgpack(const json::value& v, const std::vector<engineio::shared_bytes>& attachments,
                     std::string& out) {
  switch (v.kind()) {
    case json::kind::null:
      put(out, 1, [](char* p) { return mp_encode_nil(p); });
      return;
    case json::kind::bool_:
      put_bool(out, v.get_bool());
      return;
    case json::kind::int64:
      put_int(out, v.get_int64());
      return;
    case json::kind::uint64: {
      const auto u = v.get_uint64();
      put(out, mp_sizeof_uint(u), [&](char* p) { return mp_encode_uint(p, u); });
      return;
    }
    case json::kind::double_: {
      const double d = v.get_double();
      if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.2e18)
        return put_int(out, static_cast<std::int64_t>(d));
      put(out, mp_sizeof_double(d), [&](char* p) { return mp_encode_double(p, d); });
      return;
    }
    case json::kind::string:
      put_str(out, v.get_string());
      return;
    case json::kind::array: {
      const auto& a = v.get_array();
      put_array(out, static_cast<std::uint32_t>(a.size()));
      for (const auto& e : a) json_to_msgpack(e, attachments, out);
      return;
    }
    case json::kind::object: {
      if (socketio::is_placeholder(v)) {
        const auto& n_value = v.get_object().at("num");
        const bool negative = n_value.is_int64() && n_value.get_int64() < 0;
        const auto num = n_value.is_uint64() ? n_value.get_uint64()
                                             : static_cast<std::uint64_t>(n_value.get_int64());
        if (!negative && num < attachments.size() && attachments[num]) {
          const auto& b = *attachments[num];
          const auto n = static_cast<std::uint32_t>(b.size());
          put(out, mp_sizeof_bin(n), [&](char* p) { return mp_encode_bin(p, b.data(), n); });
          return;
        }
      }
      const auto& o = v.get_object();
      put_map(out, static_cast<std::uint32_t>(o.size()));
      for (const auto& kv : o) {
        put_str(out, kv.key());
        json_to_msgpack(kv.value(), attachments, out);
      }
      return;
    }
  }
}

std::string iso_from_ms(std::int64_t ms) {
  std::int64_t days = ms / 86'400'000;
  std::int64_t rem = ms % 86'400'000;
  if (rem < 0) {
    rem += 86'400'000;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  const auto h = rem / 3'600'000, mi = rem / 60'000 % 60, s = rem / 1000 % 60, milli = rem % 1000;
  std::string year = (y >= 0 && y <= 9999)
                         ? fmt::format("{:04}", y)
                         : fmt::format("{}{:06}", y < 0 ? '-' : '+', y < 0 ? -y : y);
  return fmt::format("{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", year, m, d, h, mi, s, milli);
}

}  // namespace chatgate::cluster::redis
