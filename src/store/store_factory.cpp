#include "store/store_factory.hpp"

#include "store/sqlite/sqlite_store.hpp"

namespace chatgate::store {
namespace {

core::error url_error(const std::string& message) {
  return core::make_error(core::error_code::internal_error, "DATABASE_URL: " + message);
}

core::result<std::unique_ptr<store>> open_sqlite(std::string_view rest) {
  sqlite::sqlite_settings s;
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

}  // namespace

core::result<std::unique_ptr<store>> open_store(std::string_view database_url) {
  constexpr std::string_view sqlite_scheme = "sqlite://";
  if (database_url.starts_with(sqlite_scheme))
    return open_sqlite(database_url.substr(sqlite_scheme.size()));
  if (database_url.starts_with("postgresql://") || database_url.starts_with("postgres://"))
    return url_error("PostgreSQL store not built yet; use sqlite://PATH");
  return url_error("unsupported '" + std::string(database_url) +
                   "' (expected sqlite://PATH or postgresql://...)");
}

}  // namespace chatgate::store
