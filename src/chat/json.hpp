#pragma once
#include <boost/json/value.hpp>

#include "store/model.hpp"

namespace chatgate::chat {

/// Contract §4 shapes: camelCase keys, ISO-8601 times with ms, null where absent.
boost::json::value to_json(const store::message& m);
/// Contract §4 conversation, lastMessage as the message object or null.
boost::json::value to_json(const store::conversation& c);

}  // namespace chatgate::chat
