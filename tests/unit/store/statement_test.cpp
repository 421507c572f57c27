// store::sqlite::statement: what a bind stores, read back through SQLite itself.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "store/sqlite/connection.hpp"

using namespace chatgate::store::sqlite;

TEST(sqlite_statement, an_empty_string_view_binds_as_an_empty_text_not_null) {
  connection db(":memory:");
  auto st = db.prepare("SELECT ?1 IS NULL, typeof(?1), length(?1)");
  st.bind(1, std::string_view{});  // default-constructed: its data() is nullptr
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 0);
  EXPECT_EQ(st.text(1), "text");
  EXPECT_EQ(st.int64(2), 0);
}

TEST(sqlite_statement, a_text_with_a_nul_byte_binds_whole) {
  connection db(":memory:");
  const std::string text("a\0b", 3);
  auto st = db.prepare("SELECT length(CAST(?1 AS BLOB)), ?1 IS NULL");
  st.bind(1, std::string_view(text));
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 3);
  EXPECT_EQ(st.int64(1), 0);
}
