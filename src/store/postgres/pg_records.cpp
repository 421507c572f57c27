#include "store/postgres/pg_records.hpp"

namespace chatgate::store::postgres {
using namespace column;

message read_message(const pg_result& r, int row) {
  message m;
  m.id = r.text(row, m_id);
  m.conversation_id = r.text(row, m_conv);
  m.seq = r.int64(row, m_seq);
  m.sender_id = r.text(row, m_sender);
  m.content = r.text(row, m_content);
  m.attachments = attachments_from_text(r.text(row, m_att));
  m.reply_to = r.optional_text(row, m_reply);
  m.metadata = object_from_text(r.text(row, m_meta));
  m.is_edited = r.boolean(row, m_edited);
  m.is_deleted = r.boolean(row, m_deleted);
  m.created_at = from_ms(r.int64(row, m_created));
  m.updated_at = from_ms(r.int64(row, m_updated));
  if (auto at = r.optional_int64(row, m_deleted_at)) m.deleted_at = from_ms(*at);
  return m;
}

conversation read_conversation(const pg_result& r, int row, std::optional<std::string>& last_id) {
  conversation c;
  c.id = r.text(row, c_id);
  c.type = r.text(row, c_type) == "direct" ? conversation_type::direct : conversation_type::group;
  c.name = r.optional_text(row, c_name);
  c.created_by = r.text(row, c_created_by);
  c.metadata = object_from_text(r.text(row, c_meta));
  last_id = r.optional_text(row, c_last_id);
  if (auto at = r.optional_int64(row, c_last_at)) c.last_message_at = from_ms(*at);
  c.created_at = from_ms(r.int64(row, c_created));
  c.updated_at = from_ms(r.int64(row, c_updated));
  return c;
}

}  // namespace chatgate::store::postgres
