#pragma once
#include <cstddef>
#include <string_view>

#include <boost/json/value.hpp>
#include <boost/system/result.hpp>

namespace chatgate::core {

/// Parses one JSON text like JSON.parse: standard JSON only, the whole input, and doubles
/// rounded correctly (Boost.JSON 1.81's own parser may be one ulp off, so an echoed 1e24-ish
/// number would differ from what the client sent). `max_depth` bounds nesting. An unpaired
/// UTF-16 surrogate escape, which JSON.parse accepts, becomes U+FFFD.
boost::system::result<boost::json::value> parse_json(std::string_view text, std::size_t max_depth);

}  // namespace chatgate::core
