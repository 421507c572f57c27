#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace chatgate::store::sqlite {

/// A failed SQLite call. Thrown inside the sqlite/ code only (unwinding rolls transactions back);
/// sqlite_store turns it into core::error_code::internal_error at its public boundary.
class sqlite_error : public std::runtime_error {
 public:
  sqlite_error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

/// A use of one prepared statement owned by the connection's cache: binds from 1, steps, reads
/// columns from 0, and resets on destruction so no read snapshot or lock outlives the use.
class statement {
 public:
  statement(sqlite3* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  statement& bind(int index, std::string_view text);
  statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  statement& bind(int index, std::int64_t value);
  statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
  statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
  statement& bind(int index, const std::optional<std::string>& text);
  statement& bind(int index, const std::optional<std::int64_t>& value);
  statement& bind_null(int index);

  /// True while there is a row to read; false once done. Throws sqlite_error on failure.
  bool step();
  /// Steps a statement that returns no rows (INSERT, UPDATE ...).
  void run();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;

 private:
  void check(int rc) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace chatgate::store::sqlite
