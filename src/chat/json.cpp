#include "chat/json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/json_string.hpp"
#include "core/json_writer.hpp"

namespace chatgate::chat {

namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<core::sys_time_ms>& t) {
  if (!t) return nullptr;
  return json::value(core::to_iso8601(*t));
}

json::value string_or_null(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::value(*s);
}

json::array attachments_json(const std::vector<store::attachment>& attachments) {
  json::array out;
  out.reserve(attachments.size());
  for (const auto& a : attachments) {
    json::object o;
    o["externalFileId"] = a.external_file_id;
    if (a.label) o["label"] = *a.label;
    out.emplace_back(std::move(o));
  }
  return out;
}

json::array participants_json(const std::vector<store::participant>& participants) {
  json::array out;
  out.reserve(participants.size());
  for (const auto& p : participants) {
    json::object o;
    o["userId"] = p.user_id;
    o["role"] = p.role == store::participant_role::admin ? "admin" : "member";
    o["joinedAt"] = core::to_iso8601(p.joined_at);
    out.emplace_back(std::move(o));
  }
  return out;
}

}  // namespace

json::array reactions_json(const std::vector<store::reaction>& reactions) {
  json::array out;
  out.reserve(reactions.size());
  for (const auto& r : reactions) {
    json::array users;
    users.reserve(r.user_ids.size());
    for (const auto& u : r.user_ids) users.emplace_back(u);
    json::object o;
    o["emoji"] = r.emoji;
    o["count"] = static_cast<std::int64_t>(r.user_ids.size());
    o["userIds"] = std::move(users);
    out.emplace_back(std::move(o));
  }
  return out;
}

json::value to_json(const store::message& m) {
  json::object o(15);  // every field below: no rehash while filling
  o["id"] = m.id;
  o["conversationId"] = m.conversation_id;
  o["seq"] = m.seq;
  o["senderId"] = m.sender_id;
  o["content"] = m.is_deleted ? std::string() : m.content;
  o["attachments"] = m.is_deleted ? json::array() : attachments_json(m.attachments);
  o["replyTo"] = string_or_null(m.reply_to);
  o["metadata"] = m.metadata;
  o["isEdited"] = m.is_edited;
  o["isDeleted"] = m.is_deleted;
  // A new message was created and updated at once: one formatting for both.
  auto created = core::to_iso8601(m.created_at);
  o["createdAt"] = created;
  o["updatedAt"] =
      m.updated_at == m.created_at ? std::move(created) : core::to_iso8601(m.updated_at);
  o["deletedAt"] = time_or_null(m.deleted_at);
  o["reactions"] = m.is_deleted ? json::array() : reactions_json(m.reactions);
  return o;
}

void write_json(std::string& out, const store::message& m) {
  const auto field = [&out](std::string_view key) {
    out += ",\"";
    out += key;
    out += "\":";
  };
  const auto text = [&out](std::string_view s) { core::append_json_string(out, s); };
  out += "{\"id\":";
  text(m.id);
  field("conversationId");
  text(m.conversation_id);
  field("seq");
  core::write_json(out, json::value(m.seq));  // as the writer prints integers past 2^53
  field("senderId");
  text(m.sender_id);
  field("content");
  text(m.is_deleted ? std::string_view() : std::string_view(m.content));
  field("attachments");
  if (m.is_deleted || m.attachments.empty())
    out += "[]";
  else
    core::write_json(out, attachments_json(m.attachments));
  field("replyTo");
  if (m.reply_to)
    text(*m.reply_to);
  else
    out += "null";
  field("metadata");
  if (m.metadata.empty())
    out += "{}";
  else
    core::write_json(out, json::value(m.metadata));
  field("isEdited");
  out += m.is_edited ? "true" : "false";
  field("isDeleted");
  out += m.is_deleted ? "true" : "false";
  const auto created = core::to_iso8601(m.created_at);
  field("createdAt");
  text(created);
  field("updatedAt");
  text(m.updated_at == m.created_at ? created : core::to_iso8601(m.updated_at));
  field("deletedAt");
  if (m.deleted_at)
    text(core::to_iso8601(*m.deleted_at));
  else
    out += "null";
  field("reactions");
  if (m.is_deleted || m.reactions.empty())
    out += "[]";
  else
    core::write_json(out, reactions_json(m.reactions));
  out += '}';
}

json::value to_json(const store::conversation& c) {
  json::object o;
  o["id"] = c.id;
  o["type"] = c.type == store::conversation_type::direct ? "direct" : "group";
  o["name"] = string_or_null(c.name);
  o["createdBy"] = c.created_by;
  o["participants"] = participants_json(c.participants);
  o["metadata"] = c.metadata;
  o["lastMessage"] = c.last_message ? to_json(*c.last_message) : json::value(nullptr);
  o["lastMessageAt"] = time_or_null(c.last_message_at);
  o["createdAt"] = core::to_iso8601(c.created_at);
  o["updatedAt"] = core::to_iso8601(c.updated_at);
  return o;
}

json::value to_json(const store::conversation& c, std::string_view viewer) {
  auto out = to_json(c);
  std::int64_t last_read = 0, unread = 0;
  for (const auto& p : c.participants)
    if (p.user_id == viewer) {
      last_read = p.last_read_seq;
      unread = p.unread_count;
    }
  auto& o = out.as_object();
  o["lastReadSeq"] = last_read;
  o["unreadCount"] = unread;
  return out;
}

json::value to_json(const store::read_state& s) {
  return json::object{{"conversationId", s.conversation_id},
                      {"userId", s.user_id},
                      {"lastReadSeq", s.last_read_seq},
                      {"unreadCount", s.unread_count}};
}

}  // namespace chatgate::chat
