// chat_service: membership of group conversations (contract §5). Direct conversations never gain
// or lose participants.
#include "chat/body_reader.hpp"
#include "chat/chat_service.hpp"

namespace chatgate::chat {

using core::error_code;
using core::make_error;

namespace {

core::error direct_is_fixed() {
  return make_error(error_code::forbidden, "Direct conversations cannot gain or lose participants");
}

bool contains(const store::conversation& c, std::string_view user) {
  for (const auto& p : c.participants)
    if (p.user_id == user) return true;
  return false;
}

}  // namespace

core::result<store::conversation> chat_service::add_participant(std::string_view user,
                                                                std::string_view conversation_id,
                                                                const boost::json::value& body) {
  body_reader in(body);
  auto target = in.user_id("userId", true);
  auto role = in.one_of("role", {"admin", "member"}, false);
  if (!in.ok()) return in.error();
  auto a = load_access(user, conversation_id, error_code::not_found);
  if (!a) return a.error();
  auto& c = a->conversation;
  if (c.type == store::conversation_type::direct) return direct_is_fixed();
  if (a->me.role != store::participant_role::admin)
    return make_error(error_code::forbidden, "Only a group admin may add participants");
  if (contains(c, *target)) return std::move(c);  // idempotent: no event, nothing changes
  if (c.participants.size() >= settings_.max_group_size)
    return core::validation_error("userId", "the group already has the maximum of " +
                                                std::to_string(settings_.max_group_size) +
                                                " participants");
  const auto now = clock_.now();
  store::participant p{
      *target, role == "admin" ? store::participant_role::admin : store::participant_role::member,
      now};
  auto added = store_.add_participant(conversation_id, p, now);
  if (!added) return added.error();
  auto after = store_.get_conversation(conversation_id);
  if (!after) return after.error();
  if (!*after) return make_error(error_code::not_found, "Conversation not found");
  if (*added) events_->participant_added(**after, *target);
  return std::move(**after);
}

core::result<store::conversation> chat_service::remove_participant(std::string_view user,
                                                                   std::string_view conversation_id,
                                                                   std::string_view target) {
  if (target.empty() || target.size() > limits::user_id_max)
    return core::validation_error("userId", "must be a non-empty user id");
  auto a = load_access(user, conversation_id, error_code::not_found);
  if (!a) return a.error();
  auto& c = a->conversation;
  if (c.type == store::conversation_type::direct) return direct_is_fixed();
  // Removing oneself is leaving, which any participant may do.
  if (a->me.role != store::participant_role::admin && target != user)
    return make_error(error_code::forbidden, "Only a group admin may remove participants");
  if (!contains(c, target)) return make_error(error_code::not_found, "Participant not found");
  auto removed = store_.remove_participant(conversation_id, target, clock_.now());
  if (!removed) return removed.error();
  auto after = store_.get_conversation(conversation_id);
  if (!after) return after.error();
  if (!*after) return make_error(error_code::not_found, "Conversation not found");
  if (*removed) events_->participant_removed(**after, target);
  return std::move(**after);
}

core::result<void> chat_service::leave(std::string_view user, std::string_view conversation_id) {
  auto a = load_access(user, conversation_id, error_code::not_found);
  if (!a) return a.error();
  if (a->conversation.type == store::conversation_type::direct) return direct_is_fixed();
  auto removed = store_.remove_participant(conversation_id, user, clock_.now());
  if (!removed) return removed.error();
  auto after = store_.get_conversation(conversation_id);
  if (!after) return after.error();
  if (*removed && *after) events_->participant_removed(**after, user);
  return {};
}

}  // namespace chatgate::chat
