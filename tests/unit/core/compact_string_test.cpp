#include "core/compact_string.hpp"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace chatgate::core {
namespace {

TEST(compact_string, is_24_bytes_and_empty_by_default) {
  EXPECT_EQ(sizeof(compact_string), 24u);
  compact_string s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.view(), "");
  EXPECT_FALSE(s.on_heap());
}

TEST(compact_string, keeps_up_to_23_characters_in_place) {
  const std::string id20 = "AbCdEfGhIjKlMnOpQr-_";  // an engine/socket id: 20 characters
  compact_string a(id20);
  EXPECT_EQ(a.view(), id20);
  EXPECT_FALSE(a.on_heap());
  const std::string max(23, 'x');
  compact_string b(max);
  EXPECT_EQ(b.view(), max);
  EXPECT_EQ(b.size(), 23u);
  EXPECT_FALSE(b.on_heap());
}

TEST(compact_string, puts_24_characters_and_more_on_the_heap) {
  const std::string over(24, 'y');
  compact_string a(over);
  EXPECT_TRUE(a.on_heap());
  EXPECT_EQ(a.view(), over);
  const std::string long_one(1000, 'z');
  compact_string b(long_one);
  EXPECT_TRUE(b.on_heap());
  EXPECT_EQ(b.str(), long_one);
}

TEST(compact_string, keeps_binary_bytes) {
  const std::string bytes("a\0b\xff", 4);
  compact_string a(bytes);
  EXPECT_EQ(a.view(), bytes);
  const std::string long_bytes = bytes + std::string(30, '\0') + bytes;
  compact_string b(long_bytes);
  EXPECT_EQ(b.view(), long_bytes);
}

TEST(compact_string, copies_and_moves_both_forms) {
  for (const std::string& text : {std::string("short"), std::string(40, 'L')}) {
    compact_string a(text);
    compact_string copy(a);
    EXPECT_EQ(copy.view(), text);
    EXPECT_EQ(a.view(), text);
    compact_string moved(std::move(a));
    EXPECT_EQ(moved.view(), text);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): a moved-from id is empty
    compact_string assigned;
    assigned = copy;
    EXPECT_EQ(assigned.view(), text);
    assigned = assigned;  // self-assignment keeps it
    EXPECT_EQ(assigned.view(), text);
    compact_string move_assigned(std::string(30, 'o'));
    move_assigned = std::move(assigned);
    EXPECT_EQ(move_assigned.view(), text);
  }
}

TEST(compact_string, compares_and_orders_like_its_text) {
  EXPECT_EQ(compact_string("abc"), compact_string("abc"));
  EXPECT_NE(compact_string("abc"), compact_string("abd"));
  EXPECT_TRUE(compact_string("abc") == std::string_view("abc"));
  EXPECT_LT(compact_string("abc"), compact_string("abd"));
  EXPECT_LT(compact_string(std::string(30, 'a')), compact_string(std::string(30, 'b')));
}

TEST(compact_string, keys_an_unordered_map_with_string_view_lookups) {
  std::unordered_map<compact_string, int, compact_string_hash, compact_string_equal> m;
  m.emplace(compact_string("s1"), 1);
  m.emplace(compact_string(std::string(50, 'k')), 2);
  EXPECT_EQ(m.find(std::string_view("s1"))->second, 1);
  EXPECT_EQ(m.find(std::string_view(std::string(50, 'k')))->second, 2);
  EXPECT_EQ(m.find(std::string_view("s2")), m.end());
  // Entries survive the rehashes of growth, heap and inline alike.
  for (int i = 0; i < 1000; ++i)
    m.emplace(compact_string(std::to_string(i) + std::string(i % 40, '.')), i);
  EXPECT_EQ(m.find(std::string_view("s1"))->second, 1);
  EXPECT_EQ(m.find(std::string_view("999" + std::string(999 % 40, '.')))->second, 999);
}

TEST(compact_string, survives_vector_growth) {
  std::vector<compact_string> v;
  for (int i = 0; i < 100; ++i) v.emplace_back(std::string(static_cast<std::size_t>(i), 'v'));
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(v[static_cast<std::size_t>(i)].size(), static_cast<std::size_t>(i));
}

}  // namespace
}  // namespace chatgate::core
