#include "chat/body_reader.hpp"

#include <cmath>

#include "core/json_writer.hpp"
#include "core/object_id.hpp"

namespace chatgate::chat {

namespace json = boost::json;

namespace {

// Decodes the code point starting at s[i] (valid UTF-8 assumed) and advances i.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b = static_cast<unsigned char>(s[i]);
  const int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : 4;
  char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

// JavaScript's WhiteSpace and LineTerminator (what String.prototype.trim removes).
bool is_js_space(char32_t c) noexcept {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}

std::string str(std::string_view s) {
  return std::string(s);
}

}  // namespace

std::size_t code_points(std::string_view utf8) noexcept {
  std::size_t n = 0;
  for (char ch : utf8)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  return n;
}

bool is_blank(std::string_view utf8) noexcept {
  for (std::size_t i = 0; i < utf8.size();)
    if (!is_js_space(next_code_point(utf8, i))) return false;
  return true;
}

core::result<void> check_id(std::string_view id, std::string_view field) {
  if (core::is_object_id(id)) return {};
  return core::validation_error(str(field), "must be a 24-character hex id");
}

body_reader::body_reader(const json::value& body) : object_(body.if_object()) {
  if (!object_) fail("body", "must be a JSON object");
}

core::error body_reader::error() const {
  core::error e = core::make_error(core::error_code::validation_error, "Validation failed");
  if (!details_.empty()) {
    e.message.clear();
    for (const auto& d : details_) {
      if (!e.message.empty()) e.message += "; ";
      e.message += d.field + " " + d.message;
    }
  }
  e.details = details_;
  return e;
}

void body_reader::fail(std::string field, std::string message) {
  details_.push_back({std::move(field), std::move(message)});
}

const json::value* body_reader::find(std::string_view field, bool required) {
  const json::value* v = object_ ? object_->if_contains(field) : nullptr;
  if (v && v->is_null()) v = nullptr;
  if (!v && required && object_) fail(str(field), "is required");
  return v;
}

std::optional<std::string> body_reader::content(std::string_view field) {
  auto s = string(field, limits::content_max, true);
  if (!s) return s;
  if (s->empty() || is_blank(*s)) {
    fail(str(field), "must not be empty or only white space");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> body_reader::id(std::string_view field, bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  if (!v->is_string() || !core::is_object_id(v->get_string())) {
    fail(str(field), "must be a 24-character hex id");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::string> body_reader::string(std::string_view field, std::size_t max,
                                               bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    fail(str(field), "must be a string");
    return std::nullopt;
  }
  if (code_points(v->get_string()) > max) {
    fail(str(field), "must be at most " + std::to_string(max) + " characters");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::string> body_reader::user_id(std::string_view field, bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  if (!v->is_string() || v->get_string().empty() || v->get_string().size() > limits::user_id_max) {
    fail(str(field),
         "must be a non-empty string of at most " + std::to_string(limits::user_id_max) + " bytes");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::string> body_reader::one_of(std::string_view field,
                                               std::initializer_list<std::string_view> allowed,
                                               bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  if (v->is_string())
    for (auto a : allowed)
      if (v->get_string() == a) return std::string(a);
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + str(a);
  fail(str(field), "must be one of: " + list);
  return std::nullopt;
}

std::optional<std::vector<std::string>> body_reader::user_ids(std::string_view field,
                                                              bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    fail(str(field), "must be an array of user ids");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : v->get_array()) {
    if (!item.is_string() || item.get_string().empty() ||
        item.get_string().size() > limits::user_id_max) {
      fail(str(field), "must contain only non-empty strings of at most " +
                           std::to_string(limits::user_id_max) + " bytes");
      return std::nullopt;
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

std::vector<store::attachment> body_reader::attachments(std::string_view field) {
  const auto* v = find(field, false);
  if (!v) return {};
  if (!v->is_array()) {
    fail(str(field), "must be an array");
    return {};
  }
  const auto& items = v->get_array();
  if (items.size() > limits::attachments_max) {
    fail(str(field), "must contain at most " + std::to_string(limits::attachments_max) + " items");
    return {};
  }
  std::vector<store::attachment> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string where = str(field) + "." + std::to_string(i);
    if (!items[i].is_object()) {
      fail(where, "must be an object");
      continue;
    }
    body_reader item(items[i]);
    auto id = item.string("externalFileId", std::string::npos, true);
    if (id && id->empty()) item.fail("externalFileId", "must not be empty");
    auto label = item.string("label", limits::label_max, false);
    for (const auto& d : item.details_) fail(where + "." + d.field, d.message);
    if (item.ok() && id) out.push_back({std::move(*id), std::move(label)});
  }
  return out;
}

std::optional<json::object> body_reader::metadata(std::string_view field) {
  const auto* v = find(field, false);
  if (!v) return std::nullopt;
  if (!v->is_object()) {
    fail(str(field), "must be a JSON object");
    return std::nullopt;
  }
  if (core::to_json(*v).size() > limits::metadata_max_bytes) {
    fail(str(field),
         "must be at most " + std::to_string(limits::metadata_max_bytes) + " bytes as JSON");
    return std::nullopt;
  }
  return v->get_object();
}

std::optional<std::int64_t> body_reader::integer(std::string_view field, std::int64_t min,
                                                 std::int64_t max, bool required) {
  const auto* v = find(field, required);
  if (!v) return std::nullopt;
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max)) n = v->get_uint64();
  if (v->is_double() && std::trunc(v->get_double()) == v->get_double() &&
      std::abs(v->get_double()) < 9.0e15)
    n = static_cast<std::int64_t>(v->get_double());
  if (!n || *n < min || *n > max) {
    fail(str(field),
         "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

core::result<std::int64_t> check_limit(std::optional<std::int64_t> value, std::int64_t fallback,
                                       std::int64_t max, std::string_view field) {
  if (!value) return fallback;
  if (*value < 1 || *value > max)
    return core::validation_error(str(field),
                                  "must be an integer from 1 to " + std::to_string(max));
  return *value;
}

}  // namespace chatgate::chat
