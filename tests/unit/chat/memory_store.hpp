#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"
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

/// store::store in memory, following the interface's documented semantics, for chat and REST
/// tests. `fail_next` makes the next call return INTERNAL_ERROR (database failure paths).
class memory_store : public store::store {
 public:
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
  core::result<::chatgate::store::checked_insert> insert_message_checked(const model::message& m) override;
  core::result<std::optional<model::message>> get_message(std::string_view id) override;
  core::result<std::optional<model::message>> edit_message(std::string_view id,
                                                           std::string_view content,
                                                           core::sys_time_ms now) override;
  core::result<std::optional<model::message>> delete_message(std::string_view id,
                                                             core::sys_time_ms now) override;
  core::result<std::vector<model::message>> list_messages(
      std::string_view conversation_id, const model::message_range& range) override;
  bool ping() override { return healthy; }

  bool healthy = true;
  bool fail_next = false;

 private:
  bool failing();
  core::sys_time_ms activity(const model::conversation& c) const;

  std::map<std::string, model::conversation, std::less<>> conversations_;
  std::map<std::string, model::message, std::less<>> messages_;
  std::map<std::string, std::int64_t, std::less<>> last_seq_;
};

}  // namespace chatgate::test_support
