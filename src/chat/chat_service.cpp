#include "chat/chat_service.hpp"

#include <algorithm>

#include "chat/body_reader.hpp"
#include "core/object_id.hpp"

namespace chatgate::chat {

namespace json = boost::json;
using core::error_code;
using core::make_error;

namespace {

const store::participant* find_participant(const store::conversation& c, std::string_view user) {
  auto it = std::find_if(c.participants.begin(), c.participants.end(),
                         [&](const auto& p) { return p.user_id == user; });
  return it == c.participants.end() ? nullptr : &*it;
}

bool is_group_admin(const store::conversation& c, const store::participant& p) {
  return c.type == store::conversation_type::group && p.role == store::participant_role::admin;
}

core::error not_admin() {
  return make_error(error_code::forbidden, "Only a group admin may do this");
}

std::string encode_cursor(const store::conversation& c) {
  auto activity = c.last_message_at.value_or(c.created_at);
  return std::to_string(core::to_epoch_ms(activity)) + "_" + c.id;
}

core::result<store::conversation_cursor> decode_cursor(std::string_view s) {
  auto bad = core::validation_error("before", "must be a nextCursor returned by this API");
  auto sep = s.find('_');
  if (sep == std::string_view::npos || sep == 0 || sep > 15) return bad;
  std::int64_t ms = 0;
  for (char ch : s.substr(0, sep)) {
    if (ch < '0' || ch > '9') return bad;
    ms = ms * 10 + (ch - '0');
  }
  auto id = s.substr(sep + 1);
  if (!core::is_object_id(id)) return bad;
  return store::conversation_cursor{core::sys_time_ms{std::chrono::milliseconds{ms}},
                                    std::string(id)};
}

}  // namespace

chat_service::chat_service(store::store& store, const core::clock& clock, rate_limiter& limiter,
                           chat_settings settings, events* sink)
    : store_(store),
      clock_(clock),
      limiter_(limiter),
      settings_(settings),
      events_(sink ? sink : &null_events_) {}

void chat_service::set_events(events* sink) {
  events_ = sink ? sink : &null_events_;
}

core::result<chat_service::access> chat_service::load_access(std::string_view user,
                                                             std::string_view conversation_id,
                                                             error_code when_absent) {
  if (auto ok = check_id(conversation_id, "conversationId"); !ok) return ok.error();
  auto found = store_.get_conversation(conversation_id);
  if (!found) return found.error();
  const store::participant* me = *found ? find_participant(**found, user) : nullptr;
  if (!me)
    return make_error(when_absent, when_absent == error_code::forbidden
                                       ? "Not a participant of this conversation"
                                       : "Conversation not found");
  store::participant mine = *me;
  return access{std::move(**found), std::move(mine)};
}

core::result<created_conversation> chat_service::create_conversation(std::string_view user,
                                                                     const json::value& body) {
  body_reader in(body);
  auto type = in.one_of("type", {"direct", "group"}, true);
  auto ids = in.user_ids("participantIds", true);
  auto name = in.string("name", limits::name_max, false);
  auto metadata = in.metadata();
  if (!in.ok()) return in.error();

  std::vector<std::string> others;
  for (auto& id : *ids)
    if (id != user && std::find(others.begin(), others.end(), id) == others.end())
      others.push_back(std::move(id));

  const auto now = clock_.now();
  store::conversation c;
  c.id = core::make_object_id();
  c.created_by = std::string(user);
  c.metadata = metadata.value_or(json::object());
  c.created_at = c.updated_at = now;
  if (*type == "direct") {
    if (others.size() != 1)
      return core::validation_error("participantIds",
                                    "a direct conversation needs exactly one other user");
    c.type = store::conversation_type::direct;
    c.participants = {{std::string(user), store::participant_role::member, now},
                      {others.front(), store::participant_role::member, now}};
    auto made = store_.create_direct_conversation(c);
    if (!made) return made.error();
    if (made->second) events_->conversation_created(made->first);
    return created_conversation{std::move(made->first), made->second};
  }
  if (others.size() + 1 > settings_.max_group_size)
    return core::validation_error(
        "participantIds",
        "a group has at most " + std::to_string(settings_.max_group_size) + " participants");
  c.type = store::conversation_type::group;
  c.name = std::move(name);
  c.participants.push_back({std::string(user), store::participant_role::admin, now});
  for (auto& id : others)
    c.participants.push_back({std::move(id), store::participant_role::member, now});
  auto made = store_.create_conversation(c);
  if (!made) return made.error();
  events_->conversation_created(*made);
  return created_conversation{std::move(*made), true};
}

core::result<store::conversation> chat_service::get_conversation(std::string_view user,
                                                                 std::string_view conversation_id) {
  auto a = load_access(user, conversation_id, error_code::not_found);
  if (!a) return a.error();
  return std::move(a->conversation);
}

core::result<page<store::conversation>> chat_service::list_conversations(
    std::string_view user, std::optional<std::int64_t> limit,
    const std::optional<std::string>& before) {
  auto n = check_limit(limit, 20, 100);
  if (!n) return n.error();
  std::optional<store::conversation_cursor> cursor;
  if (before) {
    auto c = decode_cursor(*before);
    if (!c) return c.error();
    cursor = std::move(*c);
  }
  auto items = store_.list_conversations(user, static_cast<int>(*n) + 1, cursor);
  if (!items) return items.error();
  page<store::conversation> out;
  if (items->size() > static_cast<std::size_t>(*n)) {
    items->resize(static_cast<std::size_t>(*n));
    out.next_cursor = encode_cursor(items->back());
  }
  out.items = std::move(*items);
  return out;
}

core::result<store::conversation> chat_service::update_conversation(
    std::string_view user, std::string_view conversation_id, const json::value& body) {
  body_reader in(body);
  auto name = in.string("name", limits::name_max, false);
  auto metadata = in.metadata();
  if (!in.ok()) return in.error();
  auto a = load_access(user, conversation_id, error_code::not_found);
  if (!a) return a.error();
  if (!is_group_admin(a->conversation, a->me)) return not_admin();
  auto updated = store_.update_conversation(conversation_id, name, metadata, clock_.now());
  if (!updated) return updated.error();
  if (!*updated) return make_error(error_code::not_found, "Conversation not found");
  return std::move(**updated);
}

core::result<std::vector<std::string>> chat_service::conversation_ids_for_user(
    std::string_view user) {
  return store_.conversation_ids_for_user(user);
}

core::result<void> chat_service::check_participant(std::string_view user,
                                                   std::string_view conversation_id) {
  if (auto ok = check_id(conversation_id, "conversationId"); !ok) return ok.error();
  auto p = store_.find_participant(conversation_id, user);
  if (!p) return p.error();
  if (!*p) return make_error(error_code::forbidden, "Not a participant of this conversation");
  return {};
}

core::result<std::string> chat_service::read_id(const json::value& payload,
                                                std::string_view field) {
  body_reader in(payload);
  auto id = in.id(field, true);
  if (!in.ok()) return in.error();
  return std::move(*id);
}

}  // namespace chatgate::chat
