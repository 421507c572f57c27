// chat::write_json(out, message): the same bytes as core::write_json(chat::to_json(message)).
#include "chat/json.hpp"

#include <gtest/gtest.h>
#include <boost/json/object.hpp>

#include "core/json_writer.hpp"

namespace chatgate::chat {
namespace {

using std::chrono::milliseconds;

const core::sys_time_ms t0{milliseconds{1'764'000'000'123}};

store::message plain() {
  store::message m;
  m.id = "65a100000000000000000001";
  m.conversation_id = "65a100000000000000000002";
  m.seq = 7;
  m.sender_id = "alice";
  m.content = "hi \"there\"\n\\ \x01 é";
  m.created_at = m.updated_at = t0;
  return m;
}

std::string written(const store::message& m) {
  std::string out;
  write_json(out, m);
  return out;
}

TEST(message_json, a_new_message_is_written_as_the_json_value_would_be) {
  const auto m = plain();
  EXPECT_EQ(written(m), core::to_json(to_json(m)));
}

TEST(message_json, every_optional_part_is_written_as_the_json_value_would_be) {
  auto m = plain();
  m.attachments = {{"file-1", std::string("a.png")}, {"file-2", std::nullopt}};
  m.reply_to = "65a100000000000000000003";
  m.metadata = boost::json::object{{"k", 1.5}, {"nested", {{"a", true}}}};
  m.is_edited = true;
  m.updated_at = t0 + milliseconds(1000);
  m.reactions = {{"👍", {"alice", "bob"}}};
  m.seq = (std::int64_t{1} << 53) + 1;  // printed as JavaScript's double would be
  EXPECT_EQ(written(m), core::to_json(to_json(m)));
}

TEST(message_json, a_deleted_message_hides_content_attachments_and_reactions) {
  auto m = plain();
  m.attachments = {{"file-1", std::nullopt}};
  m.reactions = {{"👍", {"alice"}}};
  m.is_deleted = true;
  m.deleted_at = t0 + milliseconds(5);
  m.updated_at = t0 + milliseconds(5);
  const auto text = written(m);
  EXPECT_EQ(text, core::to_json(to_json(m)));
  EXPECT_NE(text.find(R"("content":"","attachments":[])"), std::string::npos);
  EXPECT_NE(text.find(R"("reactions":[]})"), std::string::npos);
}

}  // namespace
}  // namespace chatgate::chat
