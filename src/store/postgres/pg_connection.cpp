#include "store/postgres/pg_connection.hpp"

#include <charconv>

namespace chatgate::store::postgres {
namespace {

// NOTICEs ("relation already exists, skipping") would go to stderr by default.
void ignore_notice(void*, const char*) {}

// libpq's messages end in a newline and may span lines ("...\n\tIs the server running...");
// one line reads better in a log or a start-up error.
std::string one_line(const char* message) {
  std::string out;
  for (const char* p = message ? message : ""; *p; ++p) {
    if (*p == '\n' || *p == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += *p;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::int64_t pg_result::affected() const {
  const char* n = PQcmdTuples(result_.get());
  std::int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

std::string pg_result::text(int row, int col) const {
  return {PQgetvalue(result_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, col))};
}

std::optional<std::string> pg_result::optional_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return text(row, col);
}

std::int64_t pg_result::int64(int row, int col) const {
  const char* v = PQgetvalue(result_.get(), row, col);
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(v, v + PQgetlength(result_.get(), row, col), out);
  if (ec != std::errc{}) throw pg_error("not an integer: '" + std::string(v) + "'", false);
  return out;
}

std::optional<std::int64_t> pg_result::optional_int64(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return int64(row, col);
}

bool pg_result::boolean(int row, int col) const {
  return PQgetvalue(result_.get(), row, col)[0] == 't';
}

pg_connection::pg_connection(const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn_) throw pg_error("out of memory", true);
  if (PQstatus(conn_.get()) != CONNECTION_OK)
    throw pg_error(one_line(PQerrorMessage(conn_.get())), true);
  PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
}

pg_result pg_connection::check(PGresult* r, std::string_view sql) {
  pg_result result(r);
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  std::string state;
  if (const char* s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr) state = s;
  const std::string reason = one_line(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
  throw pg_error(reason + " [" + std::string(sql.substr(0, 60)) + "]", !ok(), state);
}

void pg_connection::exec(std::string_view sql) {
  const std::string text(sql);
  check(PQexec(conn_.get(), text.c_str()), sql);
}

const std::string& pg_connection::prepared(std::string_view sql, int params) {
  std::string text(sql);
  auto found = prepared_.find(text);
  if (found == prepared_.end()) {
    std::string name = "chatgate_" + std::to_string(prepared_.size());
    check(PQprepare(conn_.get(), name.c_str(), text.c_str(), params, nullptr), sql);
    found = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  return found->second;
}

pg_result pg_connection::query(std::string_view sql, std::initializer_list<pg_param> params) {
  const auto& name = prepared(sql, static_cast<int>(params.size()));
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.value ? p.value->c_str() : nullptr);
  return check(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0),
               sql);
}

std::vector<pg_result> pg_connection::pipeline(std::string_view sql,
                                               std::span<const std::vector<pg_param>> rows) {
  std::vector<pg_result> out;
  if (rows.empty()) return out;
  const auto& name = prepared(sql, static_cast<int>(rows.front().size()));
  if (PQenterPipelineMode(conn_.get()) != 1)
    throw pg_error(one_line(PQerrorMessage(conn_.get())), !ok());
  std::vector<const char*> values;
  for (const auto& row : rows) {
    values.clear();
    for (const auto& p : row) values.push_back(p.value ? p.value->c_str() : nullptr);
    if (PQsendQueryPrepared(conn_.get(), name.c_str(), static_cast<int>(values.size()),
                            values.data(), nullptr, nullptr, 0) != 1) {
      abandon_pipeline();
      throw pg_error(one_line(PQerrorMessage(conn_.get())), !ok());
    }
  }
  if (PQpipelineSync(conn_.get()) != 1) {
    abandon_pipeline();
    throw pg_error(one_line(PQerrorMessage(conn_.get())), !ok());
  }
  out.reserve(rows.size());
  try {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      out.push_back(check(PQgetResult(conn_.get()), sql));
      while (PGresult* extra = PQgetResult(conn_.get())) PQclear(extra);  // the NULL after each
    }
  } catch (const pg_error&) {
    abandon_pipeline();
    throw;
  }
  abandon_pipeline();  // reads the sync point and leaves pipeline mode
  return out;
}

void pg_connection::abandon_pipeline() noexcept {
  // After the sync point only NULLs follow; a broken connection ends the loop too.
  for (int nulls = 0; ok() && nulls < 2;) {
    PGresult* r = PQgetResult(conn_.get());
    if (!r) {
      ++nulls;
      continue;
    }
    nulls = 0;
    const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  PQexitPipelineMode(conn_.get());
}

bool pg_connection::reset() {
  prepared_.clear();
  PQreset(conn_.get());
  if (!ok()) return false;
  PQsetNoticeProcessor(conn_.get(), ignore_notice, nullptr);
  return true;
}

pg_transaction::~pg_transaction() {
  if (done_ || !db_.ok()) return;
  try {
    db_.exec(nested_ ? "ROLLBACK TO SAVEPOINT tx; RELEASE SAVEPOINT tx" : "ROLLBACK");
  } catch (const pg_error&) {  // the connection broke meanwhile: the server rolls back itself
  }
}

void pg_transaction::commit() {
  db_.exec(nested_ ? "RELEASE SAVEPOINT tx" : "COMMIT");
  done_ = true;
}

}  // namespace chatgate::store::postgres
