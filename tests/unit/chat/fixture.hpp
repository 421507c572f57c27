#pragma once
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "chat/chat_service.hpp"
#include "test_store.hpp"

namespace chatgate::test_support {

/// Records what chat_service reports, as "kind:id[:user]" lines.
class recording_events : public chat::events {
 public:
  void message_created(const store::message& m) override { log.push_back("created:" + m.id); }
  void message_updated(const store::message& m) override { log.push_back("updated:" + m.id); }
  void message_deleted(const store::message& m) override { log.push_back("deleted:" + m.id); }
  void message_reaction(const store::message& m, std::string_view u, std::string_view emoji,
                        bool added) override {
    log.push_back(std::string(added ? "reacted:" : "unreacted:") + m.id + ":" + std::string(u) +
                  ":" + std::string(emoji));
  }
  void conversation_created(const store::conversation& c) override {
    log.push_back("conversation:" + c.id);
  }
  void participant_added(const store::conversation& c, std::string_view u) override {
    log.push_back("added:" + c.id + ":" + std::string(u));
  }
  void participant_removed(const store::conversation& c, std::string_view u) override {
    log.push_back("removed:" + c.id + ":" + std::string(u));
  }
  void conversation_read(const store::read_state& s) override {
    log.push_back("read:" + s.conversation_id + ":" + s.user_id + ":" +
                  std::to_string(s.last_read_seq) + ":" + std::to_string(s.unread_count));
  }
  std::vector<std::string> log;
};

/// A chat_service over the SQLite store (in memory) with a group limit of 4 and a rate limit of
/// 5 per 10 s.
struct chat_fixture : ::testing::Test {
  manual_clock clock;
  test_store db;
  chat::rate_limiter limiter{clock, {5, std::chrono::seconds(10)}};
  recording_events events;
  chat::chat_service chat{db, clock, limiter, chat::chat_settings{4}, &events};

  static boost::json::value j(std::string_view text) { return boost::json::parse(text); }

  store::conversation group(std::string_view creator, std::vector<std::string> others) {
    boost::json::object body{{"type", "group"}, {"name", "g"}};
    boost::json::array ids;
    for (auto& o : others) ids.emplace_back(o);
    body["participantIds"] = ids;
    return chat.create_conversation(creator, body).value().conversation;
  }
  store::message send(std::string_view user, const std::string& conversation_id,
                      std::string_view content = "hi") {
    boost::json::object body{{"content", content}};
    return chat.send_message(user, conversation_id, body).value();
  }
};

#define EXPECT_CODE(expr, expected_code)                                    \
  do {                                                                      \
    auto r_ = (expr);                                                       \
    ASSERT_FALSE(r_.has_value()) << #expr;                                  \
    EXPECT_EQ(r_.error().code, ::chatgate::core::error_code::expected_code) \
        << #expr << ": " << r_.error().message;                             \
  } while (0)

}  // namespace chatgate::test_support
