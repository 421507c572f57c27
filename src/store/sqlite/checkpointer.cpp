#include "store/sqlite/checkpointer.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "store/sqlite/connection.hpp"

namespace chatgate::store::sqlite {

checkpointer::checkpointer(const std::string& path, const checkpoint_settings& s)
    : settings_(s), db_(std::make_unique<connection>(path)) {
  // This connection never writes; it must not checkpoint at its own commits either.
  db_->exec("PRAGMA wal_autocheckpoint = 0");
  // A first read opens the WAL: until then a checkpoint on this connection does nothing.
  (void)db_->query_int("SELECT count(*) FROM sqlite_master");
  thread_ = std::thread([this] { run(); });
}

checkpointer::~checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void checkpointer::attach(connection& writer) {
  writer_ = &writer;
  writer.set_wal_hook(&checkpointer::on_commit, this);
}

void checkpointer::detach(connection& writer) {
  writer.set_wal_hook(nullptr, nullptr);
}

std::uint64_t checkpointer::checkpoints() const {
  std::lock_guard lock(mutex_);
  return checkpoints_;
}

std::uint64_t checkpointer::writer_checkpoints() const {
  std::lock_guard lock(mutex_);
  return writer_checkpoints_;
}

bool checkpointer::due() const {
  return !running_ && !writer_running_ && wal_pages_ - backfilled_ >= settings_.wal_pages;
}

int checkpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  auto& c = *static_cast<checkpointer*>(self);
  bool wake = false;
  bool own = false;
  {
    std::lock_guard lock(c.mutex_);
    if (pages < c.wal_pages_) {  // the WAL restarted from its beginning
      c.backfilled_ = 0;
      c.writer_tried_at_ = 0;
    }
    c.wal_pages_ = pages;
    // Tried again only after another eighth of the limit: a reader on old pages can keep one
    // try from copying everything.
    own = pages >= c.settings_.writer_wal_pages &&
          pages >= c.writer_tried_at_ + std::max(1, c.settings_.writer_wal_pages / 8);
    if (own) {
      c.writer_tried_at_ = pages;
      c.writer_running_ = true;  // no background checkpoint starts until the writer's is done
    }
    wake = c.due();  // never while the writer checkpoints itself
  }
  if (wake) c.wake_.notify_one();
  if (own) {
    {
      // A background checkpoint holds the checkpoint lock: the writer's own would fail with
      // SQLITE_BUSY (PASSIVE calls no busy handler), and a background one that runs nearly all
      // the time (a slow disk) would then let the WAL grow without bound. Past the limit the
      // writer waits for it; that one copied most pages already, so the writer's copy is short.
      std::unique_lock lock(c.mutex_);
      c.idle_.wait(lock, [&] { return !c.running_; });
    }
    int log = 0;
    int copied = 0;
    const int rc = c.writer_->checkpoint(&log, &copied);  // on the writer's own connection
    {
      std::lock_guard lock(c.mutex_);
      ++c.writer_checkpoints_;
      c.writer_running_ = false;
      if (rc == SQLITE_OK && copied > c.backfilled_) c.backfilled_ = std::min(copied, c.wal_pages_);
      wake = c.due();
    }
    if (wake) c.wake_.notify_one();
  }
  return SQLITE_OK;
}

void checkpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || due(); });
    if (stopping_) return;
    running_ = true;
    lock.unlock();
    int log = 0;
    int copied = 0;
    const int rc = db_->checkpoint(&log, &copied);
    lock.lock();
    running_ = false;
    idle_.notify_all();  // a writer past writer_wal_pages may be waiting to checkpoint itself
    ++checkpoints_;
    if (rc == SQLITE_OK && copied >= 0) {
      // A restarted WAL is reported by the next commit (fewer pages than before).
      backfilled_ = std::min(copied, wal_pages_);
    } else {
      // Busy (the writer checkpointing itself) or failed: try again once the WAL grew by the
      // threshold once more.
      if (rc != SQLITE_BUSY) spdlog::warn("store: WAL checkpoint failed: {}", sqlite3_errstr(rc));
      backfilled_ = wal_pages_;
    }
  }
}

}  // namespace chatgate::store::sqlite
