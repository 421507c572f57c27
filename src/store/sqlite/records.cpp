#include "store/sqlite/records.hpp"

#include "store/record_reader.hpp"

namespace chatgate::store::sqlite {

namespace {

/// A statement's current row as store/record_reader reads it (booleans are 0/1 integers).
struct row_view {
  const statement& s;
  std::string text(int col) const { return s.text(col); }
  std::optional<std::string> optional_text(int col) const { return s.optional_text(col); }
  std::int64_t int64(int col) const { return s.int64(col); }
  std::optional<std::int64_t> optional_int64(int col) const { return s.optional_int64(col); }
  bool flag(int col) const { return s.int64(col) != 0; }
};

}  // namespace

message read_message(const statement& row) {
  return message_from_row(row_view{row});
}

participant read_participant(const statement& row) {
  return participant_from_row(row_view{row});
}

conversation read_conversation(const statement& row, std::optional<std::string>& last_id) {
  return conversation_from_row(row_view{row}, last_id);
}

}  // namespace chatgate::store::sqlite
