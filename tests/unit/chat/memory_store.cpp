#include "memory_store.hpp"

#include <algorithm>

namespace chatgate::test_support {

using core::error_code;

bool memory_store::failing() {
  bool f = fail_next;
  fail_next = false;
  return f;
}

core::sys_time_ms memory_store::activity(const model::conversation& c) const {
  return c.last_message_at.value_or(c.created_at);
}

core::result<model::conversation> memory_store::create_conversation(const model::conversation& c) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  conversations_[c.id] = c;
  return c;
}

core::result<std::pair<model::conversation, bool>> memory_store::create_direct_conversation(
    const model::conversation& c) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto pair_of = [](const model::conversation& x) {
    std::vector<std::string> ids;
    for (const auto& p : x.participants) ids.push_back(p.user_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  for (const auto& [id, existing] : conversations_)
    if (existing.type == model::conversation_type::direct && pair_of(existing) == pair_of(c))
      return std::pair{existing, false};
  conversations_[c.id] = c;
  return std::pair{c, true};
}

core::result<std::optional<model::conversation>> memory_store::get_conversation(
    std::string_view id) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto it = conversations_.find(id);
  if (it == conversations_.end()) return std::optional<model::conversation>{};
  return std::optional{it->second};
}

core::result<std::vector<model::conversation>> memory_store::list_conversations(
    std::string_view user_id, int limit, const std::optional<model::conversation_cursor>& after) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  std::vector<model::conversation> mine;
  for (const auto& [id, c] : conversations_)
    for (const auto& p : c.participants)
      if (p.user_id == user_id) mine.push_back(c);
  auto later = [&](core::sys_time_ms ta, const std::string& ia, core::sys_time_ms tb,
                   const std::string& ib) { return ta != tb ? ta > tb : ia > ib; };
  std::sort(mine.begin(), mine.end(), [&](const auto& a, const auto& b) {
    return later(activity(a), a.id, activity(b), b.id);
  });
  if (after)
    std::erase_if(
        mine, [&](const auto& c) { return !later(after->activity, after->id, activity(c), c.id); });
  if (static_cast<int>(mine.size()) > limit) mine.resize(static_cast<std::size_t>(limit));
  return mine;
}

core::result<std::vector<std::string>> memory_store::conversation_ids_for_user(
    std::string_view user_id) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  std::vector<std::string> out;
  for (const auto& [id, c] : conversations_)
    for (const auto& p : c.participants)
      if (p.user_id == user_id) out.push_back(id);
  return out;
}

core::result<std::optional<model::participant>> memory_store::find_participant(
    std::string_view conversation_id, std::string_view user_id) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto it = conversations_.find(conversation_id);
  if (it != conversations_.end())
    for (const auto& p : it->second.participants)
      if (p.user_id == user_id) return std::optional{p};
  return std::optional<model::participant>{};
}

core::result<std::optional<model::conversation>> memory_store::update_conversation(
    std::string_view id, const std::optional<std::string>& name,
    const std::optional<boost::json::object>& metadata, core::sys_time_ms now) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto it = conversations_.find(id);
  if (it == conversations_.end()) return std::optional<model::conversation>{};
  if (name) it->second.name = name;
  if (metadata) it->second.metadata = *metadata;
  it->second.updated_at = now;
  return std::optional{it->second};
}

core::result<bool> memory_store::add_participant(std::string_view conversation_id,
                                                 const model::participant& p,
                                                 core::sys_time_ms now) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto& c = conversations_.at(std::string(conversation_id));
  for (const auto& q : c.participants)
    if (q.user_id == p.user_id) return false;
  c.participants.push_back(p);
  c.updated_at = now;
  return true;
}

core::result<bool> memory_store::remove_participant(std::string_view conversation_id,
                                                    std::string_view user_id,
                                                    core::sys_time_ms now) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto& c = conversations_.at(std::string(conversation_id));
  auto n = std::erase_if(c.participants, [&](const auto& p) { return p.user_id == user_id; });
  if (n) c.updated_at = now;
  return n > 0;
}

core::result<model::message> memory_store::insert_message(const model::message& m) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  model::message stored = m;
  stored.seq = ++last_seq_[m.conversation_id];
  messages_[stored.id] = stored;
  auto& c = conversations_.at(m.conversation_id);
  c.last_message = stored;
  c.last_message_at = stored.created_at;
  return stored;
}

core::result<::chatgate::store::checked_insert> memory_store::insert_message_checked(
    const model::message& m) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  if (auto it = messages_.find(m.id); it != messages_.end())
    return ::chatgate::store::checked_insert{::chatgate::store::send_check::stored, it->second};
  auto c = conversations_.find(m.conversation_id);
  if (c == conversations_.end()) return ::chatgate::store::checked_insert{::chatgate::store::send_check::not_participant, {}};
  bool member = false;
  for (const auto& p : c->second.participants) member = member || p.user_id == m.sender_id;
  if (!member) return ::chatgate::store::checked_insert{::chatgate::store::send_check::not_participant, {}};
  if (m.reply_to) {
    auto parent = messages_.find(*m.reply_to);
    if (parent == messages_.end() || parent->second.conversation_id != m.conversation_id)
      return ::chatgate::store::checked_insert{::chatgate::store::send_check::bad_reply, {}};
  }
  auto stored = insert_message(m);
  if (!stored) return stored.error();
  return ::chatgate::store::checked_insert{::chatgate::store::send_check::stored, std::move(*stored)};
}

core::result<std::optional<model::message>> memory_store::get_message(std::string_view id) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto it = messages_.find(id);
  if (it == messages_.end()) return std::optional<model::message>{};
  return std::optional{it->second};
}

core::result<std::optional<model::message>> memory_store::edit_message(std::string_view id,
                                                                       std::string_view content,
                                                                       core::sys_time_ms now) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto it = messages_.find(id);
  if (it == messages_.end()) return std::optional<model::message>{};
  it->second.content = std::string(content);
  it->second.is_edited = true;
  it->second.updated_at = now;
  return std::optional{it->second};
}

core::result<std::optional<model::message>> memory_store::delete_message(std::string_view id,
                                                                         core::sys_time_ms now) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  auto it = messages_.find(id);
  if (it == messages_.end()) return std::optional<model::message>{};
  auto& m = it->second;
  m.content.clear();
  m.attachments.clear();
  m.is_deleted = true;
  m.deleted_at = now;
  m.updated_at = now;
  return std::optional{m};
}

core::result<std::vector<model::message>> memory_store::list_messages(
    std::string_view conversation_id, const model::message_range& range) {
  if (failing()) return core::make_error(error_code::internal_error, "db down");
  std::vector<model::message> out;
  for (const auto& [id, m] : messages_)
    if (m.conversation_id == conversation_id && (!range.before_seq || m.seq < *range.before_seq) &&
        (!range.after_seq || m.seq > *range.after_seq))
      out.push_back(m);
  bool oldest_first = range.after_seq && !range.before_seq;
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return oldest_first ? a.seq < b.seq : a.seq > b.seq;
  });
  if (static_cast<int>(out.size()) > range.limit) out.resize(static_cast<std::size_t>(range.limit));
  return out;
}

}  // namespace chatgate::test_support
