#include "core/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "core/json_string.hpp"

namespace chatgate::core {
namespace {

template <class Int>
void write_integer(std::string& out, Int n) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

// Integers JavaScript holds exactly print as digits; larger ones as the double JSON.parse
// would have made of them.
constexpr std::uint64_t max_safe = std::uint64_t{1} << 53;

void write_js_integer(std::string& out, std::int64_t n) {
  std::uint64_t magnitude =
      n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  if (magnitude <= max_safe) return write_integer(out, n);
  write_js_number(out, static_cast<double>(n));
}

void write_js_integer(std::string& out, std::uint64_t n) {
  if (n <= max_safe) return write_integer(out, n);
  write_js_number(out, static_cast<double>(n));
}

}  // namespace

void write_js_number(std::string& out, double d) {
  if (!std::isfinite(d)) return void(out += "null");
  if (d == 0) return void(out.push_back('0'));  // -0 too
  if (d < 0) {
    out.push_back('-');
    d = -d;
  }
  // Shortest round-trip digits: "D.DDDDe±XX".
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(r.ptr - buf));
  std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int k = static_cast<int>(digits.size());
  int n = std::atoi(std::string(sci.substr(e_pos + 1)).c_str()) + 1;  // value = 0.digits * 10^n
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    write_integer(out, std::abs(n - 1));
  }
}

void write_json(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      return write_js_integer(out, v.get_int64());
    case boost::json::kind::uint64:
      return write_js_integer(out, v.get_uint64());
    case boost::json::kind::double_:
      return write_js_number(out, v.get_double());
    case boost::json::kind::string:
      return core::append_json_string(out, v.get_string());
    case boost::json::kind::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out.push_back(',');
        first = false;
        write_json(out, e);
      }
      out.push_back(']');
      return;
    }
    case boost::json::kind::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out.push_back(',');
        first = false;
        core::append_json_string(out, kv.key());
        out.push_back(':');
        write_json(out, kv.value());
      }
      out.push_back('}');
      return;
    }
  }
}

std::string to_json(const boost::json::value& v) {
  std::string out;
  write_json(out, v);
  return out;
}

}  // namespace chatgate::core
