#include "chat/posting_events.hpp"

#include "chat/held_answers.hpp"

#include <string>

namespace chatgate::chat {

void posting_events::post(std::function<void()> f) {
  // Inside a group commit the event leaves with the batch's answers, after the commit.
  if (auto* held = held_answers::current())
    held->hold(this, post_, std::move(f), nullptr);
  else
    post_(std::move(f));
}

void posting_events::message_created(const store::message& m) {
  post([this, m] { target_.message_created(m); });
}

void posting_events::message_updated(const store::message& m) {
  post([this, m] { target_.message_updated(m); });
}

void posting_events::message_deleted(const store::message& m) {
  post([this, m] { target_.message_deleted(m); });
}

void posting_events::message_reaction(const store::message& m, std::string_view user_id,
                                      std::string_view emoji, bool added) {
  post([this, m, user = std::string(user_id), emoji = std::string(emoji), added] {
    target_.message_reaction(m, user, emoji, added);
  });
}

void posting_events::conversation_created(const store::conversation& c) {
  post([this, c] { target_.conversation_created(c); });
}

void posting_events::participant_added(const store::conversation& c, std::string_view user_id) {
  post([this, c, user = std::string(user_id)] { target_.participant_added(c, user); });
}

void posting_events::participant_removed(const store::conversation& c, std::string_view user_id) {
  post([this, c, user = std::string(user_id)] { target_.participant_removed(c, user); });
}

void posting_events::conversation_read(const store::read_state& state) {
  post([this, state] { target_.conversation_read(state); });
}

}  // namespace chatgate::chat
