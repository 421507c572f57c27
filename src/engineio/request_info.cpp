#include "engineio/request_info.hpp"

#include <algorithm>
#include <cctype>

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>

namespace chatgate::engineio {

namespace bhttp = boost::beast::http;

std::string_view message_of(request_error e) noexcept {
  switch (e) {
    case request_error::unknown_transport:
      return "Transport unknown";
    case request_error::unknown_sid:
      return "Session ID unknown";
    case request_error::bad_handshake_method:
      return "Bad handshake method";
    case request_error::bad_request:
      return "Bad request";
    case request_error::forbidden:
      return "Forbidden";
    case request_error::unsupported_protocol:
      return "Unsupported protocol version";
  }
  return "Bad request";
}

http::response error_response(request_error e, unsigned version) {
  const auto status =
      e == request_error::forbidden ? bhttp::status::forbidden : bhttp::status::bad_request;
  http::response res{status, version};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = "{\"code\":" + std::to_string(static_cast<int>(e)) + ",\"message\":\"" +
               std::string(message_of(e)) + "\"}";
  return res;
}

std::string upgrade_error_response(request_error e) {
  const std::string_view message = message_of(e);
  const std::string_view status =
      e == request_error::forbidden ? "403 Forbidden" : "400 Bad Request";
  return "HTTP/1.1 " + std::string(status) +
         "\r\nConnection: close\r\nContent-type: text/html\r\n"
         "Content-Length: " +
         std::to_string(message.size()) + "\r\n\r\n" + std::string(message);
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  std::map<std::string, std::string> query;
  for (const auto& param : url->params(boost::urls::encoding_opts(true))) {
    // As URLSearchParams + Object.fromEntries: the last value of a repeated key wins.
    query[param.key] = param.value;
  }
  return query;
}

bool valid_header_value(std::string_view value) noexcept {
  return std::all_of(value.begin(), value.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 32 && c != 127);
  });
}

handshake_info make_handshake_info(const http::request& req,
                                   const std::map<std::string, std::string>& query,
                                   const http::connection_info& info) {
  handshake_info::pair_list headers;
  for (const auto& field : req) headers.emplace_back(field.name_string(), field.value());
  auto address = info.remote.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return handshake_info(req.target(), address.to_string(), headers, query);
}

}  // namespace chatgate::engineio
