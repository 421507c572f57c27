// chat_service: reactions on messages (contract §8).
#include <cstdint>

#include "chat/body_reader.hpp"
#include "chat/chat_service.hpp"
#include "chat/emoji.hpp"
#include "core/json_writer.hpp"

namespace chatgate::chat {

namespace json = boost::json;
using core::error_code;
using core::make_error;

namespace {

/// The emoji field as a string checked by emoji_problem, or nullopt with the failure recorded.
std::optional<std::string> read_emoji(body_reader& in) {
  auto emoji = in.string("emoji", SIZE_MAX, true);
  if (!emoji) return std::nullopt;
  if (auto problem = emoji_problem(*emoji)) {
    in.fail("emoji", *problem);
    return std::nullopt;
  }
  return emoji;
}

}  // namespace

core::result<store::message> chat_service::react(std::string_view user,
                                                 std::string_view message_id,
                                                 std::string_view emoji,
                                                 store::reaction_action action) {
  if (auto problem = emoji_problem(emoji)) return core::validation_error("emoji", *problem);
  auto m = load_message_for(user, message_id, error_code::not_found);
  if (!m) return m.error();
  if (m->is_deleted) return make_error(error_code::not_found, "Message not found");
  auto r = store_.react(message_id, user, emoji, action, reaction_limits::distinct_max);
  if (!r) return r.error();
  if (!r->found) return make_error(error_code::not_found, "Message not found");
  if (r->outcome == store::reaction_outcome::too_many)
    return core::validation_error("emoji", "at most 20 distinct emoji per message");
  if (r->outcome == store::reaction_outcome::changed) {
    const bool added = action == store::reaction_action::add;
    // Replayed by connection state recovery with who reacted with what (recovery_sessions).
    log_event("message:reaction", r->current,
              core::to_json(json::object{{"userId", user}, {"emoji", emoji}, {"added", added}}));
    events_->message_reaction(r->current, user, emoji, added);
  }
  return std::move(r->current);
}

core::result<store::message> chat_service::add_reaction(std::string_view user,
                                                        std::string_view message_id,
                                                        const json::value& body) {
  body_reader in(body);
  auto emoji = read_emoji(in);
  if (!in.ok()) return in.error();
  return react(user, message_id, *emoji, store::reaction_action::add);
}

core::result<store::message> chat_service::react(std::string_view user,
                                                 const json::value& payload,
                                                 store::reaction_action action) {
  body_reader in(payload);
  auto message_id = in.id("messageId", true);
  auto emoji = read_emoji(in);
  if (!in.ok()) return in.error();
  return react(user, *message_id, *emoji, action);
}

}  // namespace chatgate::chat
