#pragma once
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "store/model.hpp"

namespace chatgate::chat {

/// Contract §4 shapes: camelCase keys, ISO-8601 times with ms, null where absent.
boost::json::value to_json(const store::message& m);
/// Appends to_json(m) as core::write_json writes it, byte for byte, without building the JSON
/// value first (message:send's ack, once per send).
void write_json(std::string& out, const store::message& m);
/// A message's `reactions`: [{emoji, count, userIds}] in order of first use (contract §8).
boost::json::array reactions_json(const std::vector<store::reaction>& reactions);
/// Contract §4 conversation, lastMessage as the message object or null.
boost::json::value to_json(const store::conversation& c);
/// The conversation as `viewer` gets it (REST, conversation:new, conversation:joined): with
/// that participant's lastReadSeq and unreadCount (contract §8; 0 and 0 for a non-participant,
/// e.g. the answer to removing oneself).
boost::json::value to_json(const store::conversation& c, std::string_view viewer);
/// conversation:read's object {conversationId, userId, lastReadSeq, unreadCount}.
boost::json::value to_json(const store::read_state& s);

}  // namespace chatgate::chat
