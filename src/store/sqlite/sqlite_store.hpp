#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace chatgate::store::sqlite {

/// Where and how the embedded database lives.
struct sqlite_settings {
  std::string path = "./chatgate.db";  // database file (":memory:" for a private in-memory one)
  // false: WAL + synchronous=NORMAL. A commit is in the WAL file (the OS page cache) when
  // insert_message returns, so it survives the process being killed (SIGKILL, crash); only an
  // OS crash or power loss can drop the last commits (never corrupts). true: synchronous=FULL,
  // one fsync per commit, for "acknowledged means on disk" even across power loss.
  bool synchronous_full = false;
  std::chrono::milliseconds busy_timeout{5000};  // wait this long for another process's lock
  // When the WAL is copied back into the database (and both are synced): once it holds
  // checkpoint.wal_pages pages. SQLite's default, 1000 (4 MiB), checkpoints every few group
  // commits under load and rewrites the same hot pages (conversation rows, indexes) each time;
  // 8192 (32 MiB of WAL on disk) does it an eighth as often. Durability does not depend on it.
  checkpoint_settings checkpoint;
  // true: checkpoints run on a thread of their own (checkpointer), never inside a commit: set
  // for the writer of open_store_set. false: SQLite's autocheckpoint, inside the commit that
  // crosses checkpoint.wal_pages (a lone store: tests, tools).
  bool background_checkpoint = false;
};

/// The embedded store: one SQLite connection (each store worker opens its own; WAL lets readers
/// run beside the one writer), behind a mutex for callers outside the workers (tests),
/// schema migrated at open. SQL failures come back as core::error_code::internal_error.
class sqlite_store final : public store {
 public:
  /// Opens or creates the file and migrates it. Fails when the file's directory is missing or
  /// the schema is newer than this build.
  static core::result<std::unique_ptr<sqlite_store>> open(const sqlite_settings& s);

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

  core::result<std::optional<read_state>> mark_read(std::string_view conversation_id,
                                                    std::string_view user_id,
                                                    std::int64_t seq) override;

  // Connection state recovery (sqlite_store_recovery.cpp / pg_store_recovery.cpp).
  core::result<std::int64_t> append_recovery_event(std::string_view conversation_id,
                                                   std::string_view name,
                                                   std::string_view message_id,
                                                   std::string_view extra,
                                                   core::sys_time_ms now) override;
  core::result<void> open_recovery_session(const recovery_session& s,
                                           core::sys_time_ms now) override;
  core::result<void> close_recovery_session(std::string_view pid, std::string_view owner,
                                            core::sys_time_ms expires_at) override;
  core::result<std::optional<recovered_state>> find_recovery_session(
      const recovery_claim& c) override;
  core::result<void> prune_recovery(core::sys_time_ms events_before, core::sys_time_ms now,
                                    core::sys_time_ms live_before) override;

  bool ping() override;
  bool begin_batch() override;
  core::result<void> end_batch() override;

 private:
  explicit sqlite_store(const sqlite_settings& s);

  /// Runs `f` under the mutex; an SQLite failure inside becomes internal_error.
  template <class F>
  auto guarded(F&& f) -> decltype(f());

  std::optional<conversation> load_conversation(std::string_view id);
  void load_details(conversation& c, const std::optional<std::string>& last_message_id);
  std::optional<message> load_message(std::string_view id);
  enum class insert_outcome { inserted, no_conversation, duplicate };
  /// Assigns the next seq and inserts (no_conversation: nothing changed). `counted`:
  /// count_own_send ran already (insert_message_checked's membership check). `if_new`: an id
  /// stored already inserts nothing (duplicate; the caller rolls the seq back), else it throws.
  insert_outcome insert_in_transaction(message& stored, bool counted = false, bool if_new = false);
  conversation insert_conversation(const conversation& c, const std::optional<std::string>& key);
  void insert_participant(std::string_view conversation_id, const participant& p);
  void touch_conversation(std::string_view id, core::sys_time_ms now);
  // Read-state counters (sqlite_store_reads.cpp; formula in migrations.cpp v3), each run
  // inside the caller's transaction.
  /// A send by `sender`: one more own message after their last read. False when `sender` is not
  /// a participant (nothing changed).
  bool count_own_send(std::string_view conversation_id, std::string_view sender);
  /// `m` (not deleted yet) is being deleted: take it out of every counter that holds it.
  void uncount_deleted(const message& m);
  /// A new participant: nothing read; their own earlier messages (a re-join) are not unread.
  void start_read_state(std::string_view conversation_id, std::string_view user_id);

  std::mutex mutex_;
  // Before db_, so destroyed after it: db_'s WAL hook points at it.
  std::unique_ptr<checkpointer> checkpointer_;
  connection db_;
};

template <class F>
auto sqlite_store::guarded(F&& f) -> decltype(f()) {
  std::lock_guard lock(mutex_);
  try {
    return f();
  } catch (const sqlite_error& e) {
    return core::make_error(core::error_code::internal_error, std::string("store: ") + e.what());
  }
}

}  // namespace chatgate::store::sqlite
