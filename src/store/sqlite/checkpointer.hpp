#pragma once
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace chatgate::store::sqlite {

class connection;

/// When and how the WAL is copied back into the database file off the writer's thread.
struct checkpoint_settings {
  // A PASSIVE checkpoint starts once the writer's commits leave this many pages in the WAL that
  // no checkpoint has copied yet. PASSIVE never takes the write lock: the writer keeps
  // committing while the pages are copied and both files are synced.
  int wal_pages = 8192;
  // Under writes that never pause, a PASSIVE checkpoint never catches up with the last commit,
  // and the WAL only restarts from its beginning once one did. Past this many pages the writer
  // checkpoints itself, inside its commit as SQLite's autocheckpoint does (a stall, but only of
  // the pages committed since the last background checkpoint), so that its next commit restarts
  // the WAL. This bounds the WAL file; it costs one such stall per this many pages. A background
  // checkpoint running at that moment is waited for first (it holds SQLite's checkpoint lock).
  int writer_wal_pages = 8 * 8192;
};

/// SQLite's autocheckpoint, moved to a thread of its own. SQLite checkpoints on the connection
/// that commits, inside that COMMIT: the writer (the one store worker that writes) then copies
/// up to 32 MiB and waits for two fsyncs, and every send queued behind it waits too (p99 of
/// fanout50-open at 1,000 msg/s on ext4: 45-50 ms with it, 4-5 ms without). Here the writer's
/// WAL hook only counts pages and wakes this thread, which checkpoints on its own connection.
///
/// Under writes that never pause the background checkpoints copy all but the last commits, and
/// the writer checkpoints the rest itself once the WAL passes writer_wal_pages (see there).
///
/// Threads: attach() on the writer's thread before its first commit; the hook runs on the
/// writer's thread; the checkpoint thread is owned here and joined by the destructor.
class checkpointer {
 public:
  /// Opens its own connection to `path` (the database must exist, in WAL mode) and starts its
  /// thread. Throws sqlite_error when the file cannot be opened.
  checkpointer(const std::string& path, const checkpoint_settings& s);
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;
  /// Stops and joins the thread (a checkpoint running finishes first).
  ~checkpointer();

  /// Replaces `writer`'s autocheckpoint with this thread. `writer` must be destroyed (or
  /// detached with detach()) before this object.
  void attach(connection& writer);
  static void detach(connection& writer);

  /// Checkpoints run so far on this thread, and by the writer itself (past writer_wal_pages).
  std::uint64_t checkpoints() const;
  std::uint64_t writer_checkpoints() const;

 private:
  static int on_commit(void* self, ::sqlite3*, const char*, int pages);
  void run();
  /// Under mutex_: a checkpoint is due (and none is running).
  bool due() const;

  checkpoint_settings settings_;
  std::unique_ptr<connection> db_;
  connection* writer_ = nullptr;  // attach()'s; its hook checkpoints it past writer_wal_pages
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // the thread: a checkpoint is due, or stopping_
  std::condition_variable idle_;  // the writer: the thread's checkpoint finished
  int wal_pages_ = 0;             // the WAL's size after the last commit (pages)
  int backfilled_ = 0;            // of them, copied into the database by the last checkpoint
  int writer_tried_at_ = 0;       // the WAL's size at the writer's last own checkpoint
  bool running_ = false;          // the thread is checkpointing
  bool writer_running_ = false;   // the writer is checkpointing itself (or waiting to)
  bool stopping_ = false;
  std::uint64_t checkpoints_ = 0;
  std::uint64_t writer_checkpoints_ = 0;
  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace chatgate::store::sqlite
