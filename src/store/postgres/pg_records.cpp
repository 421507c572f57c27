#include "store/postgres/pg_records.hpp"
#include "store/record_text.hpp"

#include "store/record_reader.hpp"

namespace chatgate::store::postgres {

namespace {

/// Row `row` of a result as store/record_reader reads it.
struct row_view {
  const pg_result& r;
  int row;
  std::string text(int col) const { return r.text(row, col); }
  std::optional<std::string> optional_text(int col) const { return r.optional_text(row, col); }
  std::int64_t int64(int col) const { return r.int64(row, col); }
  std::optional<std::int64_t> optional_int64(int col) const { return r.optional_int64(row, col); }
  bool flag(int col) const { return r.boolean(row, col); }
};

}  // namespace

message read_message(const pg_result& r, int row) {
  return message_from_row(row_view{r, row});
}

participant read_participant(const pg_result& r, int row) {
  return participant_from_row(row_view{r, row});
}

conversation read_conversation(const pg_result& r, int row, std::optional<std::string>& last_id) {
  return conversation_from_row(row_view{r, row}, last_id);
}

}  // namespace chatgate::store::postgres
