// verifier::create: settings errors, key loading and detection.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "auth/public_key.hpp"
#include "auth/verifier.hpp"
#include "test_tokens.hpp"

namespace chatgate::auth {
namespace {

TEST(settings, neither_secret_nor_key_is_an_error) {
  auto v = verifier::create({});
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("JWT_SECRET"), std::string::npos);
}

TEST(settings, negative_leeway_is_an_error) {
  EXPECT_FALSE(verifier::create({.secret = "s", .leeway = std::chrono::seconds{-1}}));
}

TEST(settings, rsa_key_means_rs256) {
  auto key = load_public_key(testing::make_rsa_key().public_pem);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->alg, algorithm::rs256);
}

TEST(settings, ec_p256_key_means_es256) {
  auto key = load_public_key(testing::make_ec_key("P-256").public_pem);
  ASSERT_TRUE(key) << key.error().message;
  EXPECT_EQ(key->alg, algorithm::es256);
}

TEST(settings, ec_p384_key_is_refused) {
  auto key = load_public_key(testing::make_ec_key("P-384").public_pem);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message.find("P-256"), std::string::npos);
}

TEST(settings, key_read_from_a_file_path) {
  const auto path = std::filesystem::temp_directory_path() / "chatgate_auth_test_key.pem";
  auto pair = testing::make_rsa_key();
  std::ofstream(path) << pair.public_pem;
  auto v = verifier::create({.public_key = path.string()});
  std::filesystem::remove(path);
  ASSERT_TRUE(v) << v.error().message;
  auto token = testing::sign(JWT_ALG_RS256, pair.private_pem, R"({"sub":"alice"})");
  EXPECT_TRUE(v->verify(token));
}

TEST(settings, missing_key_file_names_the_setting) {
  auto v = verifier::create({.public_key = "/nonexistent/key.pem"});
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("JWT_PUBLIC_KEY"), std::string::npos);
  EXPECT_NE(v.error().message.find("/nonexistent/key.pem"), std::string::npos);
}

TEST(settings, pem_that_is_not_a_key) {
  auto v = verifier::create(
      {.public_key = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n"});
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("not a PEM public key"), std::string::npos);
}

}  // namespace
}  // namespace chatgate::auth
