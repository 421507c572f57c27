#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "store/model.hpp"
#include "store/postgres/pg_connection.hpp"

namespace chatgate::store::postgres {

/// Row -> record conversions of pg_store's queries, through the readers both backends share
/// (store/record_reader.hpp). Columns and encodings are the SQLite
/// store's (store/record_text.hpp), so both backends hold the same values.

message read_message(const pg_result& r, int row);
/// A row of store::participant_select.
participant read_participant(const pg_result& r, int row);
/// Fills every field but participants and last_message; returns last_message_id in `last_id`.
conversation read_conversation(const pg_result& r, int row, std::optional<std::string>& last_id);

}  // namespace chatgate::store::postgres
