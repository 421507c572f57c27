#include "store/store_factory.hpp"

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace chatgate::store {
namespace {

core::error url_error(const std::string& message) {
  return core::make_error(core::error_code::internal_error, "DATABASE_URL: " + message);
}

core::result<std::unique_ptr<store>> open_sqlite(std::string_view rest, bool writer) {
  sqlite::sqlite_settings s;
  s.background_checkpoint = writer;
  if (auto q = rest.find('?'); q != rest.npos) {
    const auto query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (query == "synchronous=full")
      s.synchronous_full = true;
    else if (query != "synchronous=normal")
      return url_error("unknown option '" + std::string(query) +
                       "' (known: synchronous=full, synchronous=normal)");
  }
  if (rest.empty()) return url_error("sqlite:// needs a file path, e.g. sqlite://./chatgate.db");
  s.path = std::string(rest);
  auto opened = sqlite::sqlite_store::open(s);
  if (!opened) return opened.error();
  return std::unique_ptr<store>(std::move(*opened));
}

// libpq reads the URL itself (host, port, user, password, database, ?sslmode=... etc.).
core::result<std::unique_ptr<store>> open_postgres(std::string_view url) {
  auto opened = postgres::pg_store::open({.conninfo = std::string(url)});
  if (!opened) return opened.error();
  return std::unique_ptr<store>(std::move(*opened));
}

/// sqlite_writer: the one SQLite connection that writes (checkpoints on a thread of its own).
core::result<std::unique_ptr<store>> open_one(std::string_view database_url, bool sqlite_writer) {
  constexpr std::string_view sqlite_scheme = "sqlite://";
  if (database_url.starts_with(sqlite_scheme))
    return open_sqlite(database_url.substr(sqlite_scheme.size()), sqlite_writer);
  if (database_url.starts_with("postgresql://") || database_url.starts_with("postgres://"))
    return open_postgres(database_url);
  return url_error("unsupported '" + std::string(database_url) +
                   "' (expected sqlite://PATH or postgresql://USER@HOST:PORT/DB)");
}

}  // namespace

core::result<std::unique_ptr<store>> open_store(std::string_view database_url) {
  return open_one(database_url, false);
}

core::result<store_set> open_store_set(std::string_view database_url, std::size_t connections) {
  const bool postgres = !database_url.starts_with("sqlite://");
  const bool memory = database_url.starts_with("sqlite://:memory:");
  store_set out;
  const std::size_t total = postgres ? connections : (memory ? 1 : 1 + connections);
  out.writers = postgres ? connections : 1;
  for (std::size_t i = 0; i < total; ++i) {
    auto s = open_one(database_url, !postgres && i == 0);
    if (!s) return s.error();
    out.stores.push_back(std::move(*s));
  }
  return out;
}

std::string redact_database_url(std::string_view database_url) {
  std::string url(database_url);
  const auto scheme_end = url.find("://");
  if (scheme_end == url.npos) return url;
  const auto authority = scheme_end + 3;
  const auto first_at = url.find('@', authority);
  const auto slash = url.find('/', authority);
  if (first_at == url.npos || (slash != url.npos && slash < first_at)) return url;  // no user
  // The host starts after the last '@' of the authority (a raw '@' in a password is common).
  const auto at = url.rfind('@', url.find_first_of("/?#", first_at));
  const auto colon = url.find(':', authority);
  if (colon == url.npos || colon > at) return url;  // a user but no password
  return url.replace(colon + 1, at - colon - 1, "***");
}

}  // namespace chatgate::store
