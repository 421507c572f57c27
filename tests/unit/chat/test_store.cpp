#include "test_store.hpp"

#include <stdexcept>

namespace chatgate::test_support {

namespace {
core::error down() {
  return core::make_error(core::error_code::internal_error, "db down");
}
}  // namespace

test_store::test_store() {
  auto opened = ::chatgate::store::sqlite::sqlite_store::open({.path = ":memory:"});
  if (!opened) throw std::runtime_error(opened.error().message);
  real_ = std::move(*opened);
}

core::result<std::optional<model::read_state>> test_store::mark_read(
    std::string_view conversation_id, std::string_view user_id, std::int64_t seq) {
  if (failing()) return down();
  return real_->mark_read(conversation_id, user_id, seq);
}

bool test_store::failing() {
  bool f = fail_next;
  fail_next = false;
  return f;
}

core::result<model::conversation> test_store::create_conversation(const model::conversation& c) {
  if (failing()) return down();
  return real_->create_conversation(c);
}

core::result<std::pair<model::conversation, bool>> test_store::create_direct_conversation(
    const model::conversation& c) {
  if (failing()) return down();
  return real_->create_direct_conversation(c);
}

core::result<std::optional<model::conversation>> test_store::get_conversation(std::string_view id) {
  if (failing()) return down();
  return real_->get_conversation(id);
}

core::result<std::vector<model::conversation>> test_store::list_conversations(
    std::string_view user_id, int limit, const std::optional<model::conversation_cursor>& after) {
  if (failing()) return down();
  return real_->list_conversations(user_id, limit, after);
}

core::result<std::vector<std::string>> test_store::conversation_ids_for_user(
    std::string_view user_id) {
  if (failing()) return down();
  return real_->conversation_ids_for_user(user_id);
}

core::result<std::optional<model::participant>> test_store::find_participant(
    std::string_view conversation_id, std::string_view user_id) {
  if (failing()) return down();
  return real_->find_participant(conversation_id, user_id);
}

core::result<std::optional<model::conversation>> test_store::update_conversation(
    std::string_view id, const std::optional<std::string>& name,
    const std::optional<boost::json::object>& metadata, core::sys_time_ms now) {
  if (failing()) return down();
  return real_->update_conversation(id, name, metadata, now);
}

core::result<bool> test_store::add_participant(std::string_view conversation_id,
                                               const model::participant& p, core::sys_time_ms now) {
  if (failing()) return down();
  return real_->add_participant(conversation_id, p, now);
}

core::result<bool> test_store::remove_participant(std::string_view conversation_id,
                                                  std::string_view user_id, core::sys_time_ms now) {
  if (failing()) return down();
  return real_->remove_participant(conversation_id, user_id, now);
}

core::result<model::message> test_store::insert_message(const model::message& m) {
  if (failing()) return down();
  return real_->insert_message(m);
}

core::result<model::checked_insert> test_store::insert_message_checked(const model::message& m) {
  if (failing()) return down();
  return real_->insert_message_checked(m);
}

core::result<std::optional<model::message>> test_store::get_message(std::string_view id) {
  if (failing()) return down();
  return real_->get_message(id);
}

core::result<std::optional<model::message>> test_store::edit_message(std::string_view id,
                                                                     std::string_view content,
                                                                     core::sys_time_ms now) {
  if (failing()) return down();
  return real_->edit_message(id, content, now);
}

core::result<std::optional<model::message>> test_store::delete_message(std::string_view id,
                                                                       core::sys_time_ms now) {
  if (failing()) return down();
  return real_->delete_message(id, now);
}

core::result<std::vector<model::message>> test_store::list_messages(
    std::string_view conversation_id, const model::message_range& range) {
  if (failing()) return down();
  return real_->list_messages(conversation_id, range);
}

core::result<model::reacted> test_store::react(std::string_view message_id,
                                               std::string_view user_id, std::string_view emoji,
                                               model::reaction_action action,
                                               std::size_t max_distinct) {
  if (failing()) return down();
  return real_->react(message_id, user_id, emoji, action, max_distinct);
}

}  // namespace chatgate::test_support
