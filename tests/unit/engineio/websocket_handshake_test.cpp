// The websocket upgrade answer (RFC 6455 §4.2), without sockets.
#include <gtest/gtest.h>

#include <boost/beast/version.hpp>

#include "engineio/transports/websocket_handshake.hpp"

namespace {

using namespace chatgate;
namespace bhttp = boost::beast::http;

http::request upgrade_request() {
  http::request req{bhttp::verb::get, "/engine.io/?EIO=4&transport=websocket", 11};
  req.set(bhttp::field::host, "localhost");
  req.set(bhttp::field::connection, "keep-alive, Upgrade");
  req.set(bhttp::field::upgrade, "websocket");
  req.set(bhttp::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(bhttp::field::sec_websocket_version, "13");
  return req;
}

TEST(websocket_handshake, accept_key_of_the_rfc_example) {
  EXPECT_EQ(engineio::sec_websocket_accept("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(websocket_handshake, valid_request_gets_101_with_beasts_headers) {
  const auto a = engineio::answer_upgrade(upgrade_request());
  EXPECT_TRUE(a.accepted);
  EXPECT_EQ(a.response,
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
            "Server: " BOOST_BEAST_VERSION_STRING "\r\n\r\n");
}

TEST(websocket_handshake, deflate_offer_is_not_taken) {
  auto req = upgrade_request();
  req.set(bhttp::field::sec_websocket_extensions, "permessage-deflate; client_max_window_bits");
  const auto a = engineio::answer_upgrade(req);
  EXPECT_TRUE(a.accepted);
  EXPECT_EQ(a.response.find("Extensions"), std::string::npos);
}

TEST(websocket_handshake, other_version_gets_426_naming_13) {
  auto req = upgrade_request();
  req.set(bhttp::field::sec_websocket_version, "8");
  const auto a = engineio::answer_upgrade(req);
  EXPECT_FALSE(a.accepted);
  EXPECT_EQ(a.response.rfind("HTTP/1.1 426 Upgrade Required\r\n", 0), 0u);
  EXPECT_NE(a.response.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos);
}

TEST(websocket_handshake, key_of_24_characters_is_accepted_25_or_none_is_refused) {
  auto req = upgrade_request();
  req.set(bhttp::field::sec_websocket_key, std::string(24, 'A'));
  EXPECT_TRUE(engineio::answer_upgrade(req).accepted);
  req.set(bhttp::field::sec_websocket_key, std::string(25, 'A'));
  EXPECT_EQ(engineio::answer_upgrade(req).response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  req.erase(bhttp::field::sec_websocket_key);
  EXPECT_FALSE(engineio::answer_upgrade(req).accepted);
}

TEST(websocket_handshake, each_missing_requirement_gets_400) {
  auto no_version = upgrade_request();
  no_version.erase(bhttp::field::sec_websocket_version);
  auto no_upgrade = upgrade_request();
  no_upgrade.set(bhttp::field::upgrade, "h2c");
  auto no_connection = upgrade_request();
  no_connection.set(bhttp::field::connection, "keep-alive");
  auto no_host = upgrade_request();
  no_host.erase(bhttp::field::host);
  auto post = upgrade_request();
  post.method(bhttp::verb::post);
  auto http10 = upgrade_request();
  http10.version(10);
  for (const auto* req : {&no_version, &no_upgrade, &no_connection, &no_host, &post, &http10}) {
    const auto a = engineio::answer_upgrade(*req);
    EXPECT_FALSE(a.accepted);
    EXPECT_EQ(a.response.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << a.response;
    const auto body = a.response.substr(a.response.find("\r\n\r\n") + 4);
    EXPECT_NE(a.response.find("Content-Length: " + std::to_string(body.size()) + "\r\n"),
              std::string::npos);
  }
}

}  // namespace
