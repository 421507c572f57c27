#pragma once
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_store.hpp"
#include "store_fixture.hpp"

namespace chatgate::store::testing {

enum class backend { sqlite, postgres };

/// The backend this test binary runs the shared behaviour tests on: store_tests is built for
/// SQLite, store_pg_tests (label "postgres") with CHATGATE_TEST_POSTGRES for PostgreSQL.
inline std::vector<backend> backends_under_test() {
#ifdef CHATGATE_TEST_POSTGRES
  return {backend::postgres};
#else
  return {backend::sqlite};
#endif
}

inline const char* to_string(backend b) {
  return b == backend::sqlite ? "sqlite" : "postgres";
}

/// Names the parameter in test names ("store/messages.x/postgres").
inline std::string backend_name(const ::testing::TestParamInfo<backend>& info) {
  return to_string(info.param);
}

/// What GoogleTest prints for the parameter (CTest shows it after each test name).
inline void PrintTo(backend b, std::ostream* os) {
  *os << to_string(b);
}

/// CHATGATE_TEST_PG_URL (scripts/test.sh starts a server with scripts/pg.sh and sets it), or "".
inline std::string pg_test_url() {
  const char* url = std::getenv("CHATGATE_TEST_PG_URL");
  return url ? url : "";
}

/// A connection for test set-up (schemas, raw SQL), outside any pg_store.
inline std::unique_ptr<postgres::pg_connection> pg_admin(const std::string& url) {
  return std::make_unique<postgres::pg_connection>(
      std::vector<std::pair<std::string, std::string>>{{"dbname", url}});
}

/// A fresh empty database per test: a SQLite file, or a PostgreSQL schema of its own in the
/// CHATGATE_TEST_PG_URL database (skipped when that is unset). open() gives another store
/// object on the same database: another process or chatgate instance.
class backend_fixture : public ::testing::TestWithParam<backend>, public test_records {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const std::string unique = std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (GetParam() == backend::postgres) {
      url_ = pg_test_url();
      if (url_.empty()) GTEST_SKIP() << "CHATGATE_TEST_PG_URL is not set";
      schema_ = "store_test_" + unique;
      pg_admin(url_)->exec("CREATE SCHEMA " + schema_);
    } else {
      path_ = (std::filesystem::temp_directory_path() / ("chatgate_store_test_" + unique + ".db"))
                  .string();
    }
    store_ = open();
  }

  void TearDown() override {
    store_.reset();
    if (!schema_.empty()) pg_admin(url_)->exec("DROP SCHEMA " + schema_ + " CASCADE");
    if (!path_.empty())
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  std::unique_ptr<store> open() {
    if (GetParam() == backend::postgres) {
      auto opened = postgres::pg_store::open({.conninfo = url_, .schema = schema_});
      if (!opened) throw std::runtime_error(opened.error().message);
      return std::move(*opened);
    }
    auto opened = sqlite::sqlite_store::open({.path = path_});
    if (!opened) throw std::runtime_error(opened.error().message);
    return std::move(*opened);
  }

  std::string url_, schema_, path_;
  std::unique_ptr<store> store_;
};

}  // namespace chatgate::store::testing

/// Runs the TEST_Ps of `suite` on this binary's backend.
#define CHATGATE_STORE_BACKENDS(suite)                                                             \
  INSTANTIATE_TEST_SUITE_P(store, suite,                                                           \
                           ::testing::ValuesIn(::chatgate::store::testing::backends_under_test()), \
                           ::chatgate::store::testing::backend_name)
