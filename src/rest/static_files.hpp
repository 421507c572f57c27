#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"

namespace chatgate::rest {

/// The web client (web/) and the OpenAPI document, served from memory (chatgate::embedded).
/// The paths are a fixed list matched exactly, so no request reaches anything else: there is no
/// file system behind it and no path to traverse.
class static_files {
 public:
  /// One file: its URL path, Content-Type and bytes.
  struct file {
    std::string_view path;
    std::string_view content_type;
    std::string_view body;
  };

  /// `web`: whether the web client is served (WEB_UI / --no-web); the OpenAPI document always
  /// is. `socket_port` (WS_PORT) goes to the client in /web-config.json {socketPort}.
  static_files(bool web, unsigned socket_port);
  static_files(const static_files&) = delete;  // files_ points into web_config_
  static_files& operator=(const static_files&) = delete;

  /// The answer to a GET of one of the files; nullopt for any other request.
  std::optional<http::response> serve(const http::request& req) const;
  /// The files served, for tests and the route listing.
  const std::vector<file>& files() const { return files_; }

  static constexpr std::string_view openapi_path = "/api/v1/openapi.json";

 private:
  std::string web_config_;
  std::vector<file> files_;
};

}  // namespace chatgate::rest
