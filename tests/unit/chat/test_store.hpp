#pragma once
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace chatgate::test_support {

namespace model = ::chatgate::store;

/// A clock the test moves by hand.
class manual_clock : public core::clock {
 public:
  core::sys_time_ms now() const override { return now_; }
  void advance(std::chrono::milliseconds d) { now_ += d; }
  void set(core::sys_time_ms t) { now_ = t; }

 private:
  core::sys_time_ms now_{std::chrono::milliseconds{1'764'000'000'000}};
};

/// The real SQLite store on a private ":memory:" database, for chat, REST and gateway tests, so
/// they run on the store the server runs on (no hand-written imitation). Every call is passed
/// on, except that `fail_next` makes the next call return INTERNAL_ERROR and `healthy` answers
/// ping(), for the database-failure paths.
class test_store : public store::store {
 public:
  test_store();

  core::result<model::conversation> create_conversation(const model::conversation& c) override;
  core::result<std::pair<model::conversation, bool>> create_direct_conversation(
      const model::conversation& c) override;
  core::result<std::optional<model::conversation>> get_conversation(std::string_view id) override;
  core::result<std::vector<model::conversation>> list_conversations(
      std::string_view user_id, int limit,
      const std::optional<model::conversation_cursor>& after) override;
  core::result<std::vector<std::string>> conversation_ids_for_user(
      std::string_view user_id) override;
  core::result<std::optional<model::participant>> find_participant(
      std::string_view conversation_id, std::string_view user_id) override;
  core::result<std::optional<model::conversation>> update_conversation(
      std::string_view id, const std::optional<std::string>& name,
      const std::optional<boost::json::object>& metadata, core::sys_time_ms now) override;
  core::result<bool> add_participant(std::string_view conversation_id, const model::participant& p,
                                     core::sys_time_ms now) override;
  core::result<bool> remove_participant(std::string_view conversation_id, std::string_view user_id,
                                        core::sys_time_ms now) override;
  core::result<model::message> insert_message(const model::message& m) override;
  core::result<model::checked_insert> insert_message_checked(const model::message& m) override;
  core::result<std::optional<model::message>> get_message(std::string_view id) override;
  core::result<std::optional<model::message>> edit_message(std::string_view id,
                                                           std::string_view content,
                                                           core::sys_time_ms now) override;
  core::result<std::optional<model::message>> delete_message(std::string_view id,
                                                             core::sys_time_ms now) override;
  core::result<std::vector<model::message>> list_messages(
      std::string_view conversation_id, const model::message_range& range) override;
  core::result<std::optional<model::read_state>> mark_read(std::string_view conversation_id,
                                                           std::string_view user_id,
                                                           std::int64_t seq) override;
  core::result<model::reacted> react(std::string_view message_id, std::string_view user_id,
                                     std::string_view emoji, model::reaction_action action,
                                     std::size_t max_distinct) override;
  bool ping() override { return healthy && real_->ping(); }

  // Connection state recovery: passed on (no failure injection).
  core::result<std::int64_t> append_recovery_event(std::string_view conversation_id,
                                                   std::string_view name,
                                                   std::string_view message_id,
                                                   std::string_view extra,
                                                   core::sys_time_ms now) override {
    return real_->append_recovery_event(conversation_id, name, message_id, extra, now);
  }
  core::result<void> open_recovery_session(const ::chatgate::store::recovery_session& s,
                                           core::sys_time_ms now) override {
    return real_->open_recovery_session(s, now);
  }
  core::result<void> close_recovery_session(std::string_view pid, std::string_view owner,
                                            core::sys_time_ms expires_at) override {
    return real_->close_recovery_session(pid, owner, expires_at);
  }
  core::result<std::optional<::chatgate::store::recovered_state>> find_recovery_session(
      const ::chatgate::store::recovery_claim& c) override {
    return real_->find_recovery_session(c);
  }
  core::result<void> prune_recovery(core::sys_time_ms events_before, core::sys_time_ms now,
                                    core::sys_time_ms live_before) override {
    return real_->prune_recovery(events_before, now, live_before);
  }

  bool healthy = true;
  bool fail_next = false;

 private:
  /// True once after fail_next was set: the call then fails as a broken database would.
  bool failing();

  std::unique_ptr<::chatgate::store::sqlite::sqlite_store> real_;
};

}  // namespace chatgate::test_support
