#include "store/sqlite/connection.hpp"

#include <sqlite3.h>

namespace chatgate::store::sqlite {

void connection::stmt_deleter::operator()(sqlite3_stmt* s) const noexcept {
  sqlite3_finalize(s);
}

connection::connection(const std::string& path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
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

std::int64_t connection::changes() const {
  return sqlite3_changes64(db_);
}

std::int64_t connection::query_int(std::string_view sql) {
  auto st = prepare(sql);
  return st.step() ? st.int64(0) : 0;
}

void connection::begin_batch() {
  exec("BEGIN IMMEDIATE");
  in_batch_ = true;
}

void connection::end_batch() {
  in_batch_ = false;
  try {
    exec("COMMIT");
  } catch (const sqlite_error&) {
    try {
      exec("ROLLBACK");
    } catch (const sqlite_error&) {  // already rolled back by SQLite
    }
    throw;
  }
}

transaction::~transaction() {
  if (done_) return;
  try {
    db_.exec(nested_ ? "ROLLBACK TO tx; RELEASE tx" : "ROLLBACK");
  } catch (const sqlite_error&) {
    // The transaction is already gone (SQLite rolls back by itself on some errors).
  }
}

void transaction::commit() {
  db_.exec(nested_ ? "RELEASE tx" : "COMMIT");
  done_ = true;
}

}  // namespace chatgate::store::sqlite
