#pragma once
#include <optional>
#include <string>

#include "store/model.hpp"
#include "store/record_text.hpp"

namespace chatgate::store {

/// The one reader of message and conversation rows, shared by both backends (columns and
/// encodings: record_text.hpp). `Row` is a backend's view of one result row with text(col),
/// optional_text(col), int64(col), optional_int64(col) and flag(col) (a boolean column).

template <class Row>
message message_from_row(const Row& row) {
  using namespace column;
  message m;
  m.id = row.text(m_id);
  m.conversation_id = row.text(m_conv);
  m.seq = row.int64(m_seq);
  m.sender_id = row.text(m_sender);
  m.content = row.text(m_content);
  m.attachments = attachments_from_text(row.text(m_att));
  m.reply_to = row.optional_text(m_reply);
  m.metadata = object_from_text(row.text(m_meta));
  m.is_edited = row.flag(m_edited);
  m.is_deleted = row.flag(m_deleted);
  m.created_at = from_ms(row.int64(m_created));
  m.updated_at = from_ms(row.int64(m_updated));
  if (auto at = row.optional_int64(m_deleted_at)) m.deleted_at = from_ms(*at);
  m.reactions = reactions_from_text(row.text(m_reactions));
  return m;
}

/// A row of participant_select.
template <class Row>
participant participant_from_row(const Row& row) {
  participant p{row.text(0), role_from_text(row.text(1)), from_ms(row.int64(2))};
  p.last_read_seq = row.int64(3);
  p.unread_count = row.int64(4);
  return p;
}

/// Fills every field but participants and last_message; returns last_message_id in `last_id`.
template <class Row>
conversation conversation_from_row(const Row& row, std::optional<std::string>& last_id) {
  using namespace column;
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

}  // namespace chatgate::store
