#include "store/record_text.hpp"

#include <algorithm>

#include <boost/json/array.hpp>

#include "core/json_reader.hpp"
#include "core/json_writer.hpp"

namespace chatgate::store {

std::int64_t to_ms(core::sys_time_ms t) noexcept {
  return t.time_since_epoch().count();
}
core::sys_time_ms from_ms(std::int64_t ms) noexcept {
  return core::sys_time_ms{std::chrono::milliseconds{ms}};
}

std::string to_text(const boost::json::object& object) {
  return core::to_json(object);
}

boost::json::object object_from_text(std::string_view text) {
  // We wrote the text ourselves; anything unreadable (a hand-edited row) reads as {}.
  auto value = core::parse_json(text, 64);
  if (!value || !value->is_object()) return {};
  return std::move(value->as_object());
}

std::string attachments_to_text(const std::vector<attachment>& attachments) {
  boost::json::array array;
  for (const auto& a : attachments) {
    boost::json::object entry{{"externalFileId", a.external_file_id}};
    if (a.label) entry["label"] = *a.label;
    array.push_back(std::move(entry));
  }
  return core::to_json(array);
}

std::vector<attachment> attachments_from_text(std::string_view text) {
  std::vector<attachment> out;
  auto value = core::parse_json(text, 64);
  if (!value || !value->is_array()) return out;
  for (const auto& entry : value->as_array()) {
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

std::string reactions_to_text(const std::vector<reaction>& reactions) {
  boost::json::array array;
  for (const auto& r : reactions) {
    boost::json::array users;
    for (const auto& u : r.user_ids) users.emplace_back(u);
    array.push_back(boost::json::object{{"emoji", r.emoji}, {"userIds", std::move(users)}});
  }
  return core::to_json(array);
}

std::vector<reaction> reactions_from_text(std::string_view text) {
  std::vector<reaction> out;
  auto value = core::parse_json(text, 64);
  if (!value || !value->is_array()) return out;
  for (const auto& entry : value->as_array()) {
    const auto* object = entry.if_object();
    const auto* emoji = object ? object->if_contains("emoji") : nullptr;
    const auto* users = object ? object->if_contains("userIds") : nullptr;
    if (!emoji || !emoji->is_string() || !users || !users->is_array()) continue;
    reaction r{std::string(emoji->as_string()), {}};
    for (const auto& u : users->as_array())
      if (u.is_string()) r.user_ids.emplace_back(u.as_string());
    if (!r.user_ids.empty()) out.push_back(std::move(r));
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
  return core::to_json(array);
}

}  // namespace chatgate::store
