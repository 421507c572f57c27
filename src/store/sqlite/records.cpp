#include "store/sqlite/records.hpp"

namespace chatgate::store::sqlite {

using namespace column;

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

}  // namespace chatgate::store::sqlite
