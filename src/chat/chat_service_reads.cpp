// chat_service: read state (contract §8). The store keeps the counters; this file holds the
// rules: validation, participants only, and the conversation:read event.
#include <cstdint>

#include "chat/body_reader.hpp"
#include "chat/chat_service.hpp"

namespace chatgate::chat {

namespace json = boost::json;

core::result<store::read_state> chat_service::mark_read(std::string_view user,
                                                        std::string_view conversation_id,
                                                        const json::value& body) {
  body_reader in(body);
  auto seq = in.integer("seq", 0, INT64_MAX, true);
  if (!in.ok()) return in.error();
  if (auto ok = check_id(conversation_id, "conversationId"); !ok) return ok.error();
  auto state = store_.mark_read(conversation_id, user, *seq);
  if (!state) return state.error();
  if (!*state)
    return core::make_error(core::error_code::forbidden, "Not a participant of this conversation");
  events_->conversation_read(**state);
  return std::move(**state);
}

core::result<store::read_state> chat_service::mark_read(std::string_view user,
                                                        const json::value& payload) {
  body_reader in(payload);
  auto conversation_id = in.id("conversationId", true);
  auto seq = in.integer("seq", 0, INT64_MAX, true);
  if (!in.ok()) return in.error();
  return mark_read(user, *conversation_id, json::object{{"seq", *seq}});
}

core::result<std::string> chat_service::message_conversation(std::string_view user,
                                                             std::string_view message_id) {
  auto m = load_message_for(user, message_id, core::error_code::not_found);
  if (!m) return m.error();
  return std::move(m->conversation_id);
}

}  // namespace chatgate::chat
