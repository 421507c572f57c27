#include "chat/posting_events.hpp"

#include <string>

namespace chatgate::chat {

void posting_events::message_created(const store::message& m) {
  post_([this, m] { target_.message_created(m); });
}

void posting_events::message_updated(const store::message& m) {
  post_([this, m] { target_.message_updated(m); });
}

void posting_events::message_deleted(const store::message& m) {
  post_([this, m] { target_.message_deleted(m); });
}

void posting_events::conversation_created(const store::conversation& c) {
  post_([this, c] { target_.conversation_created(c); });
}

void posting_events::participant_added(const store::conversation& c, std::string_view user_id) {
  post_([this, c, user = std::string(user_id)] { target_.participant_added(c, user); });
}

void posting_events::participant_removed(const store::conversation& c,
                                         std::string_view user_id) {
  post_([this, c, user = std::string(user_id)] { target_.participant_removed(c, user); });
}

}  // namespace chatgate::chat
