#include "store/sqlite/records.hpp"

#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace chatgate::store::sqlite {
namespace {

// Column positions in message_columns / conversation_columns.
enum message_col {
  m_id,
  m_conv,
  m_seq,
  m_sender,
  m_content,
  m_att,
  m_reply,
  m_meta,
  m_edited,
  m_deleted,
  m_created,
  m_updated,
  m_deleted_at
};
enum conversation_col {
  c_id,
  c_type,
  c_name,
  c_created_by,
  c_meta,
  c_last_id,
  c_last_at,
  c_created,
  c_updated
};

}  // namespace

std::int64_t to_ms(core::sys_time_ms t) noexcept {
  return t.time_since_epoch().count();
}
core::sys_time_ms from_ms(std::int64_t ms) noexcept {
  return core::sys_time_ms{std::chrono::milliseconds{ms}};
}

message read_message(const statement& row) {
  message m;
  m.id = row.text(m_id);
  m.conversation_id = row.text(m_conv);
  m.seq = row.int64(m_seq);
  m.sender_id = row.text(m_sender);
  m.content = row.text(m_content);
  m.attachments = attachments_from_text(row.text(m_att));
  m.reply_to = row.optional_text(m_reply);
  m.metadata = object_from_text(row.text(m_meta));
  m.is_edited = row.int64(m_edited) != 0;
  m.is_deleted = row.int64(m_deleted) != 0;
  m.created_at = from_ms(row.int64(m_created));
  m.updated_at = from_ms(row.int64(m_updated));
  if (auto at = row.optional_int64(m_deleted_at)) m.deleted_at = from_ms(*at);
  return m;
}

conversation read_conversation(const statement& row, std::optional<std::string>& last_id) {
  conversation c;
  c.id = row.text(c_id);
  c.type = row.text(c_type) == "direct" ? conversation_type::direct : conversation_type::group;
  c.name = row.optional_text(c_name);
  c.created_by = row.text(c_created_by);
  c.metadata = object_from_text(row.text(c_meta));
  last_id = row.optional_text(c_last_id);
  if (auto at = row.optional_int64(c_last_at)) c.last_message_at = from_ms(*at);
  c.created_at = from_ms(row.int64(c_created));
  c.updated_at = from_ms(row.int64(c_updated));
  return c;
}

std::string to_text(const boost::json::object& object) {
  return boost::json::serialize(object);
}

boost::json::object object_from_text(std::string_view text) {
  // We wrote the text ourselves; anything unreadable (a hand-edited row) reads as {}.
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return {};
  return std::move(value.as_object());
}

std::string attachments_to_text(const std::vector<attachment>& attachments) {
  boost::json::array array;
  for (const auto& a : attachments) {
    boost::json::object entry{{"externalFileId", a.external_file_id}};
    if (a.label) entry["label"] = *a.label;
    array.push_back(std::move(entry));
  }
  return boost::json::serialize(array);
}

std::vector<attachment> attachments_from_text(std::string_view text) {
  std::vector<attachment> out;
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return out;
  for (const auto& entry : value.as_array()) {
    const auto* object = entry.if_object();
    if (!object) continue;
    attachment a;
    if (const auto* id = object->if_contains("externalFileId"); id && id->is_string())
      a.external_file_id = std::string(id->as_string());
    if (const auto* label = object->if_contains("label"); label && label->is_string())
      a.label = std::string(label->as_string());
    out.push_back(std::move(a));
  }
  return out;
}

std::string_view to_text(conversation_type type) noexcept {
  return type == conversation_type::direct ? "direct" : "group";
}

std::string_view to_text(participant_role role) noexcept {
  return role == participant_role::admin ? "admin" : "member";
}

participant_role role_from_text(std::string_view text) noexcept {
  return text == "admin" ? participant_role::admin : participant_role::member;
}

std::string direct_key(const std::vector<participant>& participants) {
  std::vector<std::string> ids;
  ids.reserve(participants.size());
  for (const auto& p : participants) ids.push_back(p.user_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  boost::json::array array;
  for (auto& id : ids) array.emplace_back(std::move(id));
  return boost::json::serialize(array);
}

}  // namespace chatgate::store::sqlite
