#include "engineio/transports/websocket_handshake.hpp"

#include <openssl/sha.h>

#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/version.hpp>

#include "core/base64.hpp"

namespace chatgate::engineio {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view server_header = "Server: " BOOST_BEAST_VERSION_STRING "\r\n";

upgrade_answer refuse(std::string_view status, std::string_view body,
                      std::string_view extra_header = {}) {
  std::string r = "HTTP/1.1 ";
  r += status;
  r += "\r\n";
  r += extra_header;
  r += server_header;
  r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  r += body;
  return {false, std::move(r)};
}

bool has_token(const http::request& req, bhttp::field f, std::string_view token) {
  const auto it = req.find(f);
  return it != req.end() && bhttp::token_list{it->value()}.exists(token);
}

}  // namespace

std::string sec_websocket_accept(std::string_view key) {
  static constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::string input(key);
  input += guid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  std::string out;
  core::base64_append(out, std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  return out;
}

upgrade_answer answer_upgrade(const http::request& req) {
  static constexpr std::string_view bad = "400 Bad Request";
  if (req.version() != 11) return refuse(bad, "bad HTTP version");
  if (req.method() != bhttp::verb::get) return refuse(bad, "bad method");
  if (req.find(bhttp::field::host) == req.end()) return refuse(bad, "no Host");
  if (!has_token(req, bhttp::field::connection, "upgrade")) return refuse(bad, "no Connection");
  if (!has_token(req, bhttp::field::upgrade, "websocket")) return refuse(bad, "no Upgrade");
  const auto key = req.find(bhttp::field::sec_websocket_key);
  if (key == req.end()) return refuse(bad, "no Sec-WebSocket-Key");
  if (key->value().empty() || key->value().size() > 24) return refuse(bad, "bad Sec-WebSocket-Key");
  const auto version = req.find(bhttp::field::sec_websocket_version);
  if (version == req.end()) return refuse(bad, "no Sec-WebSocket-Version");
  if (version->value() != "13") {
    return refuse("426 Upgrade Required", "bad Sec-WebSocket-Version",
                  "Sec-WebSocket-Version: 13\r\n");
  }
  std::string r =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  r += sec_websocket_accept(key->value());
  r += "\r\n";
  r += server_header;
  r += "\r\n";
  return {true, std::move(r)};
}

}  // namespace chatgate::engineio
