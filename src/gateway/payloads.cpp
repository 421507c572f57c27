#include "gateway/payloads.hpp"

#include <boost/json/array.hpp>

#include "chat/json.hpp"

namespace chatgate::gateway {

namespace json = boost::json;

json::object payloads::connected(std::string_view user_id, std::string_view socket_id,
                                 std::size_t rooms, core::sys_time_ms now) {
  return {{"userId", user_id},
          {"socketId", socket_id},
          {"rooms", rooms},
          {"timestamp", core::to_iso8601(now)}};
}

json::object payloads::presence(std::string_view user_id, std::string_view conversation_id,
                                core::sys_time_ms now) {
  return {{"userId", user_id},
          {"conversationId", conversation_id},
          {"timestamp", core::to_iso8601(now)}};
}

json::object payloads::message_updated(const store::message& m) {
  return {{"messageId", m.id},
          {"content", m.content},
          {"isEdited", m.is_edited},
          {"updatedAt", core::to_iso8601(m.updated_at)},
          {"conversationId", m.conversation_id}};
}

json::object payloads::message_deleted(const store::message& m) {
  // A message reported deleted always has deleted_at; updated_at is the same instant otherwise.
  return {{"messageId", m.id},
          {"conversationId", m.conversation_id},
          {"deletedAt", core::to_iso8601(m.deleted_at.value_or(m.updated_at))}};
}

json::object payloads::participant(std::string_view conversation_id, std::string_view user_id,
                                   core::sys_time_ms now) {
  return {{"conversationId", conversation_id},
          {"userId", user_id},
          {"timestamp", core::to_iso8601(now)}};
}

json::object payloads::conversation_removed(std::string_view conversation_id) {
  return {{"conversationId", conversation_id}};
}

json::object payloads::message_reaction(const store::message& m, std::string_view user_id,
                                        std::string_view emoji, bool added) {
  return {{"messageId", m.id},
          {"conversationId", m.conversation_id},
          {"userId", user_id},
          {"emoji", emoji},
          {"action", added ? "added" : "removed"},
          {"reactions", chat::reactions_json(m.reactions)}};
}

json::object payloads::message_ack(const store::message& m) {
  return {{"success", true}, {"message", chat::to_json(m)}};
}

socketio::args payloads::message_ack_args(const store::message& m) {
  std::string text = R"([{"success":true,"message":)";
  text.reserve(512);
  chat::write_json(text, m);
  text += "}]";
  return socketio::args::encoded(std::move(text));
}

json::object payloads::success_ack() {
  return {{"success", true}};
}

json::object payloads::room_ack(std::string_view conversation_id) {
  return {{"success", true}, {"room", conversation_id}};
}

json::object payloads::sync_ack(const chat::sync_result& r) {
  json::array messages;
  messages.reserve(r.messages.size());
  for (const auto& m : r.messages) messages.push_back(chat::to_json(m));
  return {{"success", true}, {"messages", std::move(messages)}, {"hasMore", r.has_more}};
}

json::object payloads::pong_ack(core::sys_time_ms now) {
  return {{"event", "pong"}, {"timestamp", core::to_epoch_ms(now)}};
}

json::object payloads::pong_event(core::sys_time_ms now) {
  return {{"timestamp", core::to_epoch_ms(now)}};
}

socketio::args payloads::one(json::value v) {
  socketio::args a;
  a.push_back(std::move(v));
  return a;
}

}  // namespace chatgate::gateway
