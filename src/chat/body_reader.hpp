#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "core/result.hpp"
#include "store/model.hpp"

namespace chatgate::chat {

/// Contract §4 limits.
struct limits {
  static constexpr std::size_t content_max = 5000;         // Unicode code points
  static constexpr std::size_t attachments_max = 10;       // per message
  static constexpr std::size_t label_max = 255;            // code points
  static constexpr std::size_t metadata_max_bytes = 4096;  // serialized JSON
  static constexpr std::size_t name_max = 100;             // code points
  static constexpr std::size_t user_id_max = 255;          // bytes of an identity-provider id
};

/// Unicode code points of valid UTF-8 (the JSON parser has already rejected invalid UTF-8).
std::size_t code_points(std::string_view utf8) noexcept;
/// True when `utf8` holds only white space as JavaScript's String.trim() sees it (so "  \u00a0"
/// is blank too).
bool is_blank(std::string_view utf8) noexcept;
/// VALIDATION_ERROR naming `field` unless `id` is a 24-hex ObjectId.
core::result<void> check_id(std::string_view id, std::string_view field);

/// Reads the fields of a request body (REST) or event payload (socket), collecting every
/// VALIDATION_ERROR detail like Nest's ValidationPipe, so the client sees all bad fields at once.
/// Fields the reader is not asked for are ignored (whitelist). `null` counts as absent for
/// optional fields (IsOptional).
class body_reader {
 public:
  /// `body` must outlive the reader.
  explicit body_reader(const boost::json::value& body);
  body_reader(const boost::json::value&& body) = delete;

  bool ok() const noexcept { return details_.empty(); }
  /// The collected details as one VALIDATION_ERROR.
  core::error error() const;
  void fail(std::string field, std::string message);

  /// Message text: a string of 1..content_max code points, not only white space.
  std::optional<std::string> content(std::string_view field = "content");
  /// A 24-hex id; nullopt when absent (or bad, then an error is recorded).
  std::optional<std::string> id(std::string_view field, bool required);
  /// A string of at most `max` code points.
  std::optional<std::string> string(std::string_view field, std::size_t max, bool required);
  /// A user id: non-empty string of at most user_id_max bytes.
  std::optional<std::string> user_id(std::string_view field, bool required);
  /// A string that must be one of `allowed`.
  std::optional<std::string> one_of(std::string_view field,
                                    std::initializer_list<std::string_view> allowed, bool required);
  /// An array of user ids (duplicates kept; the caller decides).
  std::optional<std::vector<std::string>> user_ids(std::string_view field, bool required);
  /// Up to attachments_max {externalFileId, label?}.
  std::vector<store::attachment> attachments(std::string_view field = "attachments");
  /// A JSON object of at most metadata_max_bytes serialized.
  std::optional<boost::json::object> metadata(std::string_view field = "metadata");
  /// An integer in [min, max] (JSON number without fraction).
  std::optional<std::int64_t> integer(std::string_view field, std::int64_t min, std::int64_t max,
                                      bool required);

 private:
  /// The field's value, or nullptr when absent/null (recording "is required" if `required`).
  const boost::json::value* find(std::string_view field, bool required);

  const boost::json::object* object_ = nullptr;
  std::vector<core::field_error> details_;
};

/// Checks an integer limit parameter against [min, max] (REST query strings, socket payloads).
core::result<std::int64_t> check_limit(std::optional<std::int64_t> value, std::int64_t fallback,
                                       std::int64_t max, std::string_view field = "limit");

}  // namespace chatgate::chat
