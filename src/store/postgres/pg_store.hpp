#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

namespace chatgate::store::postgres {

/// Where the shared database is and how to reach it.
struct pg_settings {
  // libpq URL (postgresql://user:pass@host:port/db?sslmode=...) or "key=value" conninfo.
  std::string conninfo = "postgresql://localhost/chatgate";
  // Empty: the server's search_path (normally "public"). Else the tables live in this schema,
  // which must exist; lets tests (or several deployments) share one database.
  std::string schema;
  // Shown in pg_stat_activity (a URL's own application_name wins).
  std::string application_name = "chatgate";
  // Give up connecting after this long (libpq connect_timeout; a URL's own value wins).
  std::chrono::seconds connect_timeout{5};
};

/// The store shared by several chatgate instances: one libpq connection (the app opens one per
/// store worker; the mutex only guards callers outside the workers, e.g. tests), prepared
/// statements, schema migrated at open. seq comes from a row-locked counter on the conversation,
/// so it is gapless and the same whichever instance inserts. A broken connection is reset and
/// the call retried once; while the server stays away, reconnects back off (100 ms doubling to
/// 5 s) and calls in between fail at once instead of each waiting for a connect. Database
/// failures come back as internal_error (details are logged, not returned).
class pg_store final : public store {
 public:
  /// Connects and migrates. Errors: "DATABASE_URL: cannot connect to PostgreSQL: <reason>",
  /// or the schema is newer than this build.
  static core::result<std::unique_ptr<pg_store>> open(const pg_settings& s);

  core::result<conversation> create_conversation(const conversation& c) override;
  core::result<std::pair<conversation, bool>> create_direct_conversation(
      const conversation& c) override;
  core::result<std::optional<conversation>> get_conversation(std::string_view id) override;
  core::result<std::vector<conversation>> list_conversations(
      std::string_view user_id, int limit,
      const std::optional<conversation_cursor>& after) override;
  core::result<std::vector<std::string>> conversation_ids_for_user(
      std::string_view user_id) override;
  core::result<std::optional<participant>> find_participant(std::string_view conversation_id,
                                                            std::string_view user_id) override;
  core::result<std::optional<conversation>> update_conversation(
      std::string_view id, const std::optional<std::string>& name,
      const std::optional<boost::json::object>& metadata, core::sys_time_ms now) override;
  core::result<bool> add_participant(std::string_view conversation_id, const participant& p,
                                     core::sys_time_ms now) override;
  core::result<bool> remove_participant(std::string_view conversation_id, std::string_view user_id,
                                        core::sys_time_ms now) override;

  core::result<message> insert_message(const message& m) override;
  core::result<checked_insert> insert_message_checked(const message& m) override;
  std::vector<core::result<checked_insert>> insert_messages_checked(
      std::span<const message> ms) override;
  core::result<std::optional<message>> get_message(std::string_view id) override;
  core::result<std::optional<message>> edit_message(std::string_view id, std::string_view content,
                                                    core::sys_time_ms now) override;
  core::result<std::optional<message>> delete_message(std::string_view id,
                                                      core::sys_time_ms now) override;
  core::result<std::vector<message>> list_messages(std::string_view conversation_id,
                                                   const message_range& range) override;
  core::result<reacted> react(std::string_view message_id, std::string_view user_id,
                              std::string_view emoji, reaction_action action,
                              std::size_t max_distinct) override;

  bool ping() override;
  /// Group commit: BEGIN; the calls until end_batch() share that transaction (their own
  /// transactions become savepoints). Inside a batch a broken connection is not reset nor the
  /// call retried (that would commit it alone, outside the batch): the batch fails as a whole,
  /// and so does one whose transaction a failed statement aborted.
  bool begin_batch() override;
  core::result<void> end_batch() override;

 private:
  explicit pg_store(std::unique_ptr<pg_connection> db) : db_(std::move(db)) {}

  /// Runs `f` under the mutex. A broken connection is reset and `f` run once more; any other
  /// libpq failure is logged and becomes internal_error.
  template <class F>
  auto guarded(F&& f) -> decltype(f());
  /// Logs `e` and resets a broken connection; true when `f` is worth one more try.
  bool recover(const pg_error& e, bool first_try);
  /// Resets the connection unless a reset failed less than the current backoff ago.
  bool reconnect();
  static void log_batch_error(const pg_error& e);

  std::optional<conversation> load_conversation(std::string_view id);
  void load_details(conversation& c, const std::optional<std::string>& last_message_id);
  std::optional<message> load_message(std::string_view id);
  /// Inserts the row (ON CONFLICT (direct_key) DO NOTHING) and its participants; nullopt when
  /// the direct pair already exists.
  std::optional<std::string> insert_conversation(const conversation& c,
                                                 const std::optional<std::string>& key);
  bool insert_participant(std::string_view conversation_id, const participant& p);
  void touch_conversation(std::string_view id, core::sys_time_ms now);

  std::mutex mutex_;
  std::unique_ptr<pg_connection> db_;
  std::chrono::steady_clock::time_point next_reconnect_{};  // no reset attempt before this
  std::chrono::milliseconds backoff_{0};                    // 0 while the connection is good
  bool batch_failed_ = false;  // a call inside the current batch failed: roll it all back
};

template <class F>
auto pg_store::guarded(F&& f) -> decltype(f()) {
  std::lock_guard lock(mutex_);
  if (db_->in_batch()) {  // no reset, no retry: see begin_batch()
    if (!batch_failed_ && db_->ok()) {
      try {
        return f();
      } catch (const pg_error& e) {
        log_batch_error(e);
      }
    }
    batch_failed_ = true;
    return core::make_error(core::error_code::internal_error, "store: database error");
  }
  if (!db_->ok() && !reconnect())
    return core::make_error(core::error_code::internal_error, "store: database unavailable");
  for (bool first_try = true;; first_try = false) {
    try {
      return f();
    } catch (const pg_error& e) {
      if (!recover(e, first_try))
        return core::make_error(core::error_code::internal_error, "store: database error");
    }
  }
}

}  // namespace chatgate::store::postgres
