#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "store/sqlite/connection.hpp"

namespace chatgate::store::sqlite {

/// The schema's history: entry i takes a database from version i to i + 1 (PRAGMA user_version).
/// Append only: a released entry never changes, since files in the field are at its version.
std::span<const std::string_view> migrations() noexcept;

/// Brings the database up to migrations().size(), each step in its own IMMEDIATE transaction so
/// that two processes opening one file do not both apply a step. Throws sqlite_error, also when
/// the file's version is newer than this build knows.
void migrate(connection& db);

}  // namespace chatgate::store::sqlite
