#include "store/sqlite/connection.hpp"

#include <sqlite3.h>

#include <mutex>

namespace chatgate::store::sqlite {

namespace {

/// Process-wide, once, before the first connection: no memory statistics, so SQLite's
/// allocations skip the global mutex that keeps them (chatgate never reads them).
void configure_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Only possible before SQLite initialised (SQLITE_MISUSE after: then it simply stays on).
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
}

}  // namespace

void connection::stmt_deleter::operator()(sqlite3_stmt* s) const noexcept {
  sqlite3_finalize(s);
}

connection::connection(const std::string& path) {
  configure_once();
  // NOMUTEX: each connection is used by one thread at a time (sqlite_store's mutex), so SQLite's
  // own per-call connection mutex is only cost.
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error(rc, "cannot open '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
  cache_.clear();
  sqlite3_close(db_);
}

void connection::exec(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw sqlite_error(rc, text);
  }
}

statement connection::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    if (rc != SQLITE_OK) throw sqlite_error(rc, sqlite3_errmsg(db_));
    it = cache_.emplace(std::string(sql), std::unique_ptr<sqlite3_stmt, stmt_deleter>(raw)).first;
  }
  return statement(db_, it->second.get());
}

void connection::run(std::string_view sql) {
  prepare(sql).run();
}

std::int64_t connection::changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t connection::query_int(std::string_view sql) {
  auto st = prepare(sql);
  return st.step() ? st.int64(0) : 0;
}

void connection::set_wal_hook(wal_hook hook, void* arg) {
  sqlite3_wal_hook(db_, hook, arg);
}

int connection::checkpoint(int* log, int* copied) {
  return sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, log, copied);
}

void connection::begin_batch() {
  run("BEGIN IMMEDIATE");
  in_batch_ = true;
}

void connection::end_batch() {
  in_batch_ = false;
  try {
    run("COMMIT");
  } catch (const sqlite_error&) {
    try {
      run("ROLLBACK");
    } catch (const sqlite_error&) {  // already rolled back by SQLite
    }
    throw;
  }
}

transaction::transaction(connection& db) : db_(db), nested_(db.in_batch()) {
  db_.run(nested_ ? "SAVEPOINT tx" : "BEGIN IMMEDIATE");
}

transaction::~transaction() {
  if (done_) return;
  try {
    if (nested_) {
      db_.run("ROLLBACK TO tx");
      db_.run("RELEASE tx");
    } else {
      db_.run("ROLLBACK");
    }
  } catch (const sqlite_error&) {
    // The transaction is already gone (SQLite rolls back by itself on some errors).
  }
}

void transaction::commit() {
  db_.run(nested_ ? "RELEASE tx" : "COMMIT");
  done_ = true;
}

}  // namespace chatgate::store::sqlite
