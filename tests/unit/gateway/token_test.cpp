#include <gtest/gtest.h>

#include "gateway/connection_handler.hpp"

namespace chatgate::gateway {
namespace {

using extract = std::optional<std::string>;

socketio::handshake hs(boost::json::object auth, std::map<std::string, std::string> query,
                       std::map<std::string, std::string> headers) {
  auto request = std::make_shared<engineio::handshake_info>(
      "/", "127.0.0.1", engineio::handshake_info::pair_list(headers.begin(), headers.end()), query);
  return socketio::handshake(std::move(auth), std::move(request), 0);
}

TEST(extract_token, auth_then_query_then_header) {
  auto all = hs({{"token", "A"}}, {{"token", "Q"}}, {{"authorization", "Bearer H"}});
  EXPECT_EQ(connection_handler::extract_token(all), extract("A"));
  EXPECT_EQ(
      connection_handler::extract_token(hs({}, {{"token", "Q"}}, {{"authorization", "Bearer H"}})),
      extract("Q"));
  EXPECT_EQ(connection_handler::extract_token(hs({}, {}, {{"authorization", "Bearer H"}})),
            extract("H"));
}

TEST(extract_token, nothing_usable_is_no_token) {
  EXPECT_EQ(connection_handler::extract_token(hs({}, {}, {})), std::nullopt);
  EXPECT_EQ(connection_handler::extract_token(hs({{"token", ""}}, {{"token", ""}}, {})),
            std::nullopt);
  EXPECT_EQ(connection_handler::extract_token(hs({}, {}, {{"authorization", "Basic abc"}})),
            std::nullopt);
  EXPECT_EQ(connection_handler::extract_token(hs({}, {}, {{"authorization", "Bearer "}})),
            std::nullopt);
  EXPECT_EQ(connection_handler::extract_token(hs({}, {}, {{"authorization", "Bearer"}})),
            std::nullopt);
}

TEST(extract_token, a_non_string_auth_token_falls_through) {
  EXPECT_EQ(connection_handler::extract_token(hs({{"token", 42}}, {{"token", "Q"}}, {})),
            extract("Q"));
}

TEST(extract_token, bearer_scheme_is_case_insensitive) {
  EXPECT_EQ(connection_handler::extract_token(hs({}, {}, {{"authorization", "bearer t1"}})),
            extract("t1"));
  EXPECT_EQ(connection_handler::extract_token(hs({}, {}, {{"authorization", "BEARER  t2"}})),
            extract("t2"));
}

}  // namespace
}  // namespace chatgate::gateway
