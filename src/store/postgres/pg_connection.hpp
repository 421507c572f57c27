#pragma once
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <libpq-fe.h>

namespace chatgate::store::postgres {

/// A libpq failure. `broken` when the connection itself is gone (worth one reconnect);
/// `sqlstate` is the server's five-character code when it sent one (e.g. "23505").
class pg_error : public std::runtime_error {
 public:
  pg_error(const std::string& message, bool broken, std::string sqlstate = {})
      : std::runtime_error(message), broken_(broken), sqlstate_(std::move(sqlstate)) {}
  bool broken() const noexcept { return broken_; }
  const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  bool broken_;
  std::string sqlstate_;
};

/// One statement parameter in libpq's text format; nullopt is SQL NULL.
struct pg_param {
  std::optional<std::string> value;
  pg_param(std::string_view v) : value(std::string(v)) {}          // NOLINT: implicit on purpose
  pg_param(const std::string& v) : value(v) {}                     // NOLINT
  pg_param(const char* v) : value(std::string(v)) {}               // NOLINT
  pg_param(std::int64_t v) : value(std::to_string(v)) {}           // NOLINT
  pg_param(int v) : value(std::to_string(v)) {}                    // NOLINT
  pg_param(bool v) : value(v ? "true" : "false") {}                // NOLINT
  pg_param(std::optional<std::string> v) : value(std::move(v)) {}  // NOLINT
  pg_param(std::optional<std::int64_t> v)                          // NOLINT
      : value(v ? std::optional(std::to_string(*v)) : std::nullopt) {}
};

/// The rows (text format) of one statement; owns the PGresult.
class pg_result {
 public:
  explicit pg_result(PGresult* r) : result_(r) {}
  int rows() const noexcept { return PQntuples(result_.get()); }
  /// Rows an INSERT/UPDATE/DELETE changed.
  std::int64_t affected() const;
  bool is_null(int row, int col) const noexcept { return PQgetisnull(result_.get(), row, col); }
  std::string text(int row, int col) const;
  std::optional<std::string> optional_text(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  std::optional<std::int64_t> optional_int64(int row, int col) const;
  bool boolean(int row, int col) const;

 private:
  struct deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
  };
  std::unique_ptr<PGresult, deleter> result_;
};

/// One libpq connection with its prepared statements (prepared on first use, named by SQL
/// text). Not thread-safe by itself: pg_store serializes every use with its mutex.
class pg_connection {
 public:
  /// Connects with libpq keyword/value pairs (a "dbname" value may be a URL or conninfo
  /// string); throws pg_error with libpq's reason.
  explicit pg_connection(const std::vector<std::pair<std::string, std::string>>& params);
  pg_connection(const pg_connection&) = delete;
  pg_connection& operator=(const pg_connection&) = delete;

  /// Runs SQL without parameters (may hold several statements: DDL, BEGIN ...).
  void exec(std::string_view sql);
  /// Runs `sql` as a prepared statement with `params` ($1, $2 ...).
  pg_result query(std::string_view sql, std::initializer_list<pg_param> params = {});
  /// Runs the prepared `sql` once per parameter row in one libpq pipeline: every statement is
  /// sent before the first answer is read, so the whole run is one round trip. Meant for a
  /// group commit (inside BEGIN ... COMMIT); a failing statement aborts the rest, and that
  /// failure is thrown. Rows are bounded by the caller (STORE_GROUP_COMMIT), so the answers
  /// fit the socket buffers while the statements are still being written.
  std::vector<pg_result> pipeline(std::string_view sql,
                                  std::span<const std::vector<pg_param>> rows);
  /// Reconnects with the same parameters (prepared statements are gone with the old session).
  bool reset();
  /// False once the server side is gone.
  bool ok() const noexcept { return PQstatus(conn_.get()) == CONNECTION_OK; }
  /// True outside any transaction block.
  bool idle() const noexcept { return PQtransactionStatus(conn_.get()) == PQTRANS_IDLE; }
  /// True inside a transaction that a failed statement aborted (only ROLLBACK works there).
  bool aborted() const noexcept { return PQtransactionStatus(conn_.get()) == PQTRANS_INERROR; }
  /// Group commit: while set, pg_transaction is a SAVEPOINT inside the batch's transaction.
  void set_in_batch(bool on) noexcept { in_batch_ = on; }
  bool in_batch() const noexcept { return in_batch_; }

 private:
  pg_result check(PGresult* r, std::string_view sql);
  /// The name of `sql` as a prepared statement, preparing it on first use.
  const std::string& prepared(std::string_view sql, int params);
  /// Reads what a failed pipeline left until its sync point, and leaves pipeline mode.
  void abandon_pipeline() noexcept;

  struct deleter {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
  };
  std::unique_ptr<PGconn, deleter> conn_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> statement name
  bool in_batch_ = false;
};

/// BEGIN ... COMMIT (READ COMMITTED), rolled back unless commit() ran. Inside a batch (group
/// commit) a SAVEPOINT of the batch's transaction instead.
class pg_transaction {
 public:
  explicit pg_transaction(pg_connection& db) : db_(db), nested_(db.in_batch()) {
    db_.exec(nested_ ? "SAVEPOINT tx" : "BEGIN");
  }
  pg_transaction(const pg_transaction&) = delete;
  pg_transaction& operator=(const pg_transaction&) = delete;
  ~pg_transaction();
  void commit();

 private:
  pg_connection& db_;
  bool nested_;
  bool done_ = false;
};

}  // namespace chatgate::store::postgres
