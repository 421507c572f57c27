#include "core/json_reader.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <optional>
#include <string>

namespace chatgate::core {
namespace {

namespace json = boost::json;
using boost::system::error_code;

// Boost.JSON's value-building handler, except that doubles are re-read from their text with
// std::from_chars, which rounds correctly.
struct precise_handler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  explicit precise_handler(json::storage_ptr sp) : st(std::move(sp)) {}

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code&) { return st.push_object(n), true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) { return st.push_array(n), true; }
  bool on_key_part(json::string_view s, std::size_t, error_code&) { return st.push_chars(s), true; }
  bool on_key(json::string_view s, std::size_t, error_code&) { return st.push_key(s), true; }
  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    return st.push_chars(s), true;
  }
  bool on_string(json::string_view s, std::size_t, error_code&) { return st.push_string(s), true; }
  bool on_number_part(json::string_view s, error_code&) { return number.append(s), true; }
  bool on_int64(std::int64_t i, json::string_view, error_code&) {
    number.clear();
    return st.push_int64(i), true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
    number.clear();
    return st.push_uint64(u), true;
  }
  bool on_double(double d, json::string_view s, error_code&) {
    number.append(s);
    double exact = d;
    auto r = std::from_chars(number.data(), number.data() + number.size(), exact);
    // Out of range (1e400): keep Boost's value (infinity), as JSON.parse gives Infinity.
    if (r.ec != std::errc() || r.ptr != number.data() + number.size()) exact = d;
    number.clear();
    return st.push_double(exact), true;
  }
  bool on_bool(bool b, error_code&) { return st.push_bool(b), true; }
  bool on_null(error_code&) { return st.push_null(), true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

  json::value_stack st;
  std::string number;  // text of a number split across calls
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The code unit of the `\uXXXX` escape at `at`, if there is one.
std::optional<unsigned> escape_at(std::string_view text, std::size_t at) {
  if (at + 6 > text.size() || text[at] != '\\' || text[at + 1] != 'u') return std::nullopt;
  unsigned v = 0;
  for (std::size_t i = at + 2; i < at + 6; ++i) {
    const int d = hex_digit(text[i]);
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<unsigned>(d);
  }
  return v;
}

/// `text` with every unpaired UTF-16 surrogate escape replaced by \uFFFD. JSON.parse accepts
/// them (a client that cuts a string in the middle of an emoji sends one); Boost.JSON 1.81 has
/// no option to. A backslash only occurs inside strings, so no string tracking is needed.
std::string replace_lone_surrogates(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i++];
      continue;
    }
    const auto unit = escape_at(text, i);
    if (!unit) {  // another escape (or a broken one, which the parser then reports)
      out.append(text.substr(i, 2));
      i += 2;
      continue;
    }
    const bool high = *unit >= 0xD800 && *unit <= 0xDBFF;
    const bool low = *unit >= 0xDC00 && *unit <= 0xDFFF;
    const auto next = high ? escape_at(text, i + 6) : std::nullopt;
    if (high && next && *next >= 0xDC00 && *next <= 0xDFFF) {
      out.append(text.substr(i, 12));
      i += 12;
    } else {
      out.append(high || low ? std::string_view("\\uFFFD") : text.substr(i, 6));
      i += 6;
    }
  }
  return out;
}

boost::system::result<json::value> parse_strict(std::string_view text, std::size_t max_depth) {
  json::parse_options opts;
  opts.max_depth = max_depth;
  json::basic_parser<precise_handler> p(opts, json::storage_ptr());
  p.handler().st.reset();
  error_code ec;
  std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (ec) return ec;
  if (n < text.size()) return error_code(json::error::extra_data);
  if (!p.done()) return error_code(json::error::incomplete);
  return p.handler().st.release();
}

}  // namespace

boost::system::result<json::value> parse_json(std::string_view text, std::size_t max_depth) {
  auto v = parse_strict(text, max_depth);
  if (v) return v;
  // Boost reports a lone surrogate as one of several errors (a high one before a quote is a
  // syntax error): retry only if the text had one.
  const std::string fixed = replace_lone_surrogates(text);
  return fixed == text ? v : parse_strict(fixed, max_depth);
}

}  // namespace chatgate::core
