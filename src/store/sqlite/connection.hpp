#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sqlite/statement.hpp"

namespace chatgate::store::sqlite {

/// One SQLite connection with a cache of prepared statements (prepared once, reused by SQL text).
/// Not thread-safe by itself (opened without SQLite's own connection mutex): sqlite_store
/// serializes every use with its mutex.
class connection {
 public:
  /// Opens (creating if needed) the database file; throws sqlite_error.
  explicit connection(const std::string& path);
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  /// Runs one or more statements without results (DDL, PRAGMA ...), parsed on every call.
  void exec(std::string_view sql);
  /// Runs one statement without results through the statement cache: for those run on every
  /// call (BEGIN, COMMIT, SAVEPOINT ...), which exec() would parse each time.
  void run(std::string_view sql);
  /// The cached statement for `sql`, ready to bind; reset when the returned use ends.
  statement prepare(std::string_view sql);
  /// Rows changed by the last INSERT/UPDATE/DELETE.
  std::int64_t changes() const;
  /// The integer answer of a one-row query such as "PRAGMA user_version".
  std::int64_t query_int(std::string_view sql);

  /// sqlite3_wal_hook: `hook` runs after each commit with the WAL's size in pages; it replaces
  /// SQLite's autocheckpoint on this connection (nullptr: neither).
  using wal_hook = int (*)(void* arg, ::sqlite3* db, const char* schema, int pages);
  void set_wal_hook(wal_hook hook, void* arg);
  /// A PASSIVE sqlite3_wal_checkpoint_v2 on the main database (never waits for a lock). Returns
  /// SQLite's result code (SQLITE_BUSY: another checkpoint is running); `log` gets the WAL's
  /// pages and `copied` those now in the database file (-1 each when not in WAL mode).
  int checkpoint(int* log, int* copied);

  /// Group commit: between begin_batch() and end_batch() every transaction is a SAVEPOINT inside
  /// one outer transaction, committed once by end_batch() (which rolls it all back and throws
  /// when the COMMIT fails).
  void begin_batch();
  void end_batch();
  bool in_batch() const { return in_batch_; }

 private:
  struct stmt_deleter {
    void operator()(sqlite3_stmt* s) const noexcept;
  };

  sqlite3* db_ = nullptr;
  bool in_batch_ = false;
  // Declared after db_ so it is destroyed first: statements are finalized before the close.
  std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, stmt_deleter>> cache_;
};

/// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() ran. IMMEDIATE takes the write lock
/// up front, so a read-then-write (next seq, direct pair lookup) cannot race another writer.
/// Inside a batch (group commit) it is a SAVEPOINT of the batch's transaction instead.
class transaction {
 public:
  explicit transaction(connection& db);
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();
  void commit();

 private:
  connection& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace chatgate::store::sqlite
