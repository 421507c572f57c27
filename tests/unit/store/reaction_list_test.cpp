// apply_reaction: the reaction rules of contract §8 without a database.
#include <gtest/gtest.h>

#include "store/reaction_list.hpp"

namespace chatgate::store {
namespace {

using list = std::vector<reaction>;

std::string show(const list& l) {
  std::string out;
  for (const auto& r : l) {
    out += (out.empty() ? "" : " ") + r.emoji + ":";
    for (std::size_t i = 0; i < r.user_ids.size(); ++i) out += (i ? "," : "") + r.user_ids[i];
  }
  return out;
}

reaction_outcome add(list& l, const char* user, const char* emoji, std::size_t max = 20) {
  return apply_reaction(l, user, emoji, reaction_action::add, max);
}
reaction_outcome remove(list& l, const char* user, const char* emoji) {
  return apply_reaction(l, user, emoji, reaction_action::remove, 20);
}

TEST(reaction_list, new_emoji_go_last_and_users_append) {
  list l;
  EXPECT_EQ(add(l, "a", "x"), reaction_outcome::changed);
  EXPECT_EQ(add(l, "b", "y"), reaction_outcome::changed);
  EXPECT_EQ(add(l, "b", "x"), reaction_outcome::changed);
  EXPECT_EQ(show(l), "x:a,b y:b");
}

TEST(reaction_list, repeats_and_removals_of_what_one_does_not_hold_are_no_ops) {
  list l;
  add(l, "a", "x");
  EXPECT_EQ(add(l, "a", "x"), reaction_outcome::unchanged);
  EXPECT_EQ(remove(l, "b", "x"), reaction_outcome::unchanged);
  EXPECT_EQ(remove(l, "a", "y"), reaction_outcome::unchanged);
  EXPECT_EQ(show(l), "x:a");
}

TEST(reaction_list, last_holder_leaving_drops_the_emoji_and_its_place) {
  list l;
  add(l, "a", "x");
  add(l, "a", "y");
  EXPECT_EQ(remove(l, "a", "x"), reaction_outcome::changed);
  EXPECT_EQ(show(l), "y:a");
  add(l, "b", "x");
  EXPECT_EQ(show(l), "y:a x:b");  // first use is counted again from its return
}

TEST(reaction_list, distinct_limit_at_and_past_it) {
  list l;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(add(l, "a", std::to_string(i).c_str(), 3),
                                        reaction_outcome::changed);
  EXPECT_EQ(add(l, "a", "3", 3), reaction_outcome::too_many);
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(add(l, "b", "0", 3), reaction_outcome::changed);  // an emoji already there fits
  remove(l, "a", "1");
  EXPECT_EQ(add(l, "a", "3", 3), reaction_outcome::changed);
  EXPECT_EQ(show(l), "0:a,b 2:a 3:a");
}

TEST(reaction_list, emoji_compare_byte_for_byte) {
  list l;
  add(l, "a", "\xF0\x9F\x91\x8D");                  // 👍
  add(l, "a", "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD");  // 👍🏽 is another emoji
  EXPECT_EQ(l.size(), 2u);
}

}  // namespace
}  // namespace chatgate::store
