#include "gateway/payloads.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "chat/json.hpp"
#include "core/json_writer.hpp"

namespace chatgate::gateway {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

const core::sys_time_ms t0{milliseconds{1'764'000'000'123}};  // 2025-11-24T16:00:00.123Z
const char* const iso0 = "2025-11-24T16:00:00.123Z";

store::message sample() {
  store::message m;
  m.id = "65a100000000000000000001";
  m.conversation_id = "65a100000000000000000002";
  m.seq = 7;
  m.sender_id = "alice";
  m.content = "edited";
  m.is_edited = true;
  m.created_at = t0;
  m.updated_at = t0 + milliseconds(1000);
  return m;
}

TEST(payloads, connected_counts_rooms_and_stamps_iso_time) {
  EXPECT_EQ(
      json::value(payloads::connected("alice", "sock1", 3, t0)),
      json::parse(std::string(R"({"userId":"alice","socketId":"sock1","rooms":3,"timestamp":")") +
                  iso0 + "\"}"));
}

TEST(payloads, presence_names_user_and_conversation) {
  auto p = payloads::presence("bob", "c1", t0);
  EXPECT_EQ(p.at("userId"), "bob");
  EXPECT_EQ(p.at("conversationId"), "c1");
  EXPECT_EQ(p.at("timestamp"), iso0);
  EXPECT_EQ(p.size(), 3u);
}

TEST(payloads, message_updated_has_the_seed_fields_and_conversation) {
  auto p = payloads::message_updated(sample());
  EXPECT_EQ(json::value(p), json::parse(R"({"messageId":"65a100000000000000000001",
      "content":"edited","isEdited":true,"updatedAt":"2025-11-24T16:00:01.123Z",
      "conversationId":"65a100000000000000000002"})"));
}

TEST(payloads, message_reaction_has_the_contract_fields_and_the_list_after_the_change) {
  auto m = sample();
  m.reactions = {{"👍", {"bob", "alice"}}, {"🎉", {"bob"}}};
  EXPECT_EQ(json::value(payloads::message_reaction(m, "alice", "👍", true)),
            json::parse(R"({"messageId":"65a100000000000000000001",
      "conversationId":"65a100000000000000000002","userId":"alice","emoji":"👍",
      "action":"added","reactions":[{"emoji":"👍","count":2,"userIds":["bob","alice"]},
      {"emoji":"🎉","count":1,"userIds":["bob"]}]})"));
  EXPECT_EQ(payloads::message_reaction(m, "bob", "x", false).at("action"), "removed");
}

TEST(payloads, message_deleted_uses_deleted_at) {
  auto m = sample();
  m.is_deleted = true;
  m.content.clear();
  m.deleted_at = t0 + milliseconds(5);
  EXPECT_EQ(json::value(payloads::message_deleted(m)),
            json::parse(R"({"messageId":"65a100000000000000000001",
      "conversationId":"65a100000000000000000002","deletedAt":"2025-11-24T16:00:00.128Z"})"));
}

TEST(payloads, participant_and_conversation_removed) {
  EXPECT_EQ(json::value(payloads::participant("c1", "carol", t0)),
            json::parse(std::string(R"({"conversationId":"c1","userId":"carol","timestamp":")") +
                        iso0 + "\"}"));
  EXPECT_EQ(json::value(payloads::conversation_removed("c1")),
            json::parse(R"({"conversationId":"c1"})"));
}

TEST(payloads, acks) {
  auto m = sample();
  auto ack = payloads::message_ack(m);
  EXPECT_EQ(ack.at("success"), true);
  EXPECT_EQ(ack.at("message"), chat::to_json(m));
  EXPECT_EQ(json::value(payloads::success_ack()), json::parse(R"({"success":true})"));
  EXPECT_EQ(json::value(payloads::room_ack("c9")), json::parse(R"({"success":true,"room":"c9"})"));
}

TEST(payloads, the_encoded_message_ack_is_the_json_acks_encoding) {
  auto m = sample();
  socketio::args json_ack;
  json_ack.push_back(payloads::message_ack(m));
  auto encoded = payloads::message_ack_args(m);
  ASSERT_TRUE(encoded.is_encoded());
  EXPECT_EQ(encoded.encoded_text(), core::to_json(json_ack));
}

TEST(payloads, sync_ack_keeps_order_and_has_more) {
  chat::sync_result r;
  r.messages = {sample(), sample()};
  r.messages[1].seq = 8;
  r.has_more = true;
  auto ack = payloads::sync_ack(r);
  EXPECT_EQ(ack.at("success"), true);
  EXPECT_EQ(ack.at("hasMore"), true);
  ASSERT_EQ(ack.at("messages").as_array().size(), 2u);
  EXPECT_EQ(ack.at("messages").as_array()[1].at("seq"), 8);
  EXPECT_EQ(json::value(payloads::sync_ack({})),
            json::parse(R"({"success":true,"messages":[],"hasMore":false})"));
}

TEST(payloads, pong_timestamps_are_epoch_milliseconds) {
  EXPECT_EQ(json::value(payloads::pong_ack(t0)),
            json::parse(R"({"event":"pong","timestamp":1764000000123})"));
  EXPECT_EQ(json::value(payloads::pong_event(t0)), json::parse(R"({"timestamp":1764000000123})"));
  EXPECT_TRUE(payloads::pong_ack(t0).at("timestamp").is_int64());
}

TEST(payloads, one_wraps_a_single_argument) {
  auto a = payloads::one(json::object{{"x", 1}});
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].at("x"), 1);
}

}  // namespace
}  // namespace chatgate::gateway
