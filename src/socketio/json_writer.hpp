#pragma once
#include <string>

#include <boost/json/value.hpp>

namespace chatgate::socketio {

/// Appends `v` as JSON.stringify would write it: compact, keys in insertion order, integers as
/// digits, and doubles in ECMAScript's Number-to-String form (1.5, 0.1, 1e+21, 1e-7) rather
/// than Boost.JSON's (1.5E0, 1E-1), so that our packets are byte-identical to the Node
/// server's. Non-finite doubles become null, as in JavaScript.
void write_json(std::string& out, const boost::json::value& v);

/// Appends a double as ECMAScript's Number::toString (shortest round-trip digits).
void write_js_number(std::string& out, double d);

}  // namespace chatgate::socketio
