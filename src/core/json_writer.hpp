#pragma once
#include <string>

#include <boost/json/value.hpp>

namespace chatgate::core {

/// The one JSON writer of every output (REST bodies, stored JSON columns, Socket.IO packets).
/// Appends `v` as JSON.stringify(JSON.parse(text)) would write it: compact, keys in insertion
/// order, and numbers in ECMAScript's Number-to-String form (1.5, 0.1, 1e+21, 1e-7, -0 as 0)
/// rather than Boost.JSON's (1.5E0, 1E-1). Integers beyond 2^53, which JavaScript holds only as
/// doubles, print as that double (2^53+1 -> 9007199254740992). Non-finite doubles become null.
void write_json(std::string& out, const boost::json::value& v);

/// `v` written by write_json, as a new string.
std::string to_json(const boost::json::value& v);

/// Appends a double as ECMAScript's Number::toString (shortest round-trip digits).
void write_js_number(std::string& out, double d);

}  // namespace chatgate::core
