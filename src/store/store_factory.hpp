#pragma once
#include <memory>
#include <string_view>

#include "core/result.hpp"
#include "store/store.hpp"

namespace chatgate::store {

/// The store DATABASE_URL names (contract §1):
///   sqlite://PATH            embedded SQLite file (sqlite://./chatgate.db, sqlite:///var/x.db,
///                            sqlite://:memory:); PATH's directory must exist.
///   sqlite://PATH?synchronous=full   fsync every commit (see sqlite_settings).
///   postgresql://...         not built yet: an error.
/// Errors name DATABASE_URL and say what is wrong.
core::result<std::unique_ptr<store>> open_store(std::string_view database_url);

}  // namespace chatgate::store
