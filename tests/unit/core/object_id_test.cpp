#include "core/object_id.hpp"

#include <set>

#include <gtest/gtest.h>

using chatgate::core::is_object_id;
using chatgate::core::make_object_id;

TEST(object_id, generated_ids_are_valid_and_unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = make_object_id();
    ASSERT_TRUE(is_object_id(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
}

TEST(object_id, validation_at_and_past_the_length) {
  EXPECT_TRUE(is_object_id("65a1b2c3d4e5f60718293a4b"));
  EXPECT_TRUE(is_object_id("65A1B2C3D4E5F60718293A4B"));
  EXPECT_FALSE(is_object_id("65a1b2c3d4e5f60718293a4"));    // 23
  EXPECT_FALSE(is_object_id("65a1b2c3d4e5f60718293a4bc"));  // 25
  EXPECT_FALSE(is_object_id("65a1b2c3d4e5f60718293a4g"));   // not hex
  EXPECT_FALSE(is_object_id(""));
}
