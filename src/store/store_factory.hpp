#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "store/store.hpp"

namespace chatgate::store {

/// The store DATABASE_URL names (contract §1):
///   sqlite://PATH            embedded SQLite file (sqlite://./chatgate.db, sqlite:///var/x.db,
///                            sqlite://:memory:); PATH's directory must exist.
///   sqlite://PATH?synchronous=full   fsync every commit (see sqlite_settings).
///   postgresql://USER:PASSWORD@HOST:PORT/DB?sslmode=...   (or postgres://) the PostgreSQL
///                            store shared by several instances; any libpq URL. Refused with
///                            "cannot connect to PostgreSQL: <reason>" when the server does not
///                            answer.
/// Errors name DATABASE_URL and say what is wrong.
core::result<std::unique_ptr<store>> open_store(std::string_view database_url);

/// The connections of the store workers (chat::pooled_runner): `writers` first.
struct store_set {
  std::vector<std::unique_ptr<store>> stores;
  std::size_t writers = 1;
};

/// Opens the connections for DATABASE_URL: SQLite, one writer (SQLite has one) and
/// `connections` readers (none for ":memory:", which is private to one connection);
/// PostgreSQL, `connections` connections that read and write.
core::result<store_set> open_store_set(std::string_view database_url, std::size_t connections);

/// DATABASE_URL fit for a log line: a URL's password (scheme://user:PASSWORD@host) becomes
/// "***"; anything else is returned as is.
std::string redact_database_url(std::string_view database_url);

}  // namespace chatgate::store
