#pragma once
#include <span>
#include <string_view>

#include "store/postgres/pg_connection.hpp"

namespace chatgate::store::postgres {

/// Schema versions in order: migrations()[v - 1] takes a database from version v-1 to v.
std::span<const std::string_view> migrations() noexcept;

/// The schema is newer than this build knows; its message may be shown as is.
class schema_too_new : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Brings the schema to the latest version in one transaction under an advisory lock, so that
/// instances starting together apply each migration once; versions are rows of
/// schema_migrations. Throws pg_error, or schema_too_new.
void migrate(pg_connection& db);

}  // namespace chatgate::store::postgres
