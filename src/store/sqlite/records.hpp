#pragma once
#include <optional>
#include <string>

#include "store/model.hpp"
#include "store/record_text.hpp"
#include "store/sqlite/statement.hpp"

namespace chatgate::store::sqlite {

/// Row -> record conversions of sqlite_store's queries, through the readers both backends share
/// (store/record_reader.hpp).

message read_message(const statement& row);
/// A row of store::participant_select.
participant read_participant(const statement& row);
/// Fills every field but participants and last_message; returns last_message_id in `last_id`.
conversation read_conversation(const statement& row, std::optional<std::string>& last_id);

}  // namespace chatgate::store::sqlite
