#pragma once
#include <string_view>

/// Files compiled into the binary by cmake/embed.cmake (src/rest/CMakeLists.txt lists them), so
/// the server needs no file next to it: the OpenAPI document and the web client.
namespace chatgate::embedded {

std::string_view openapi_json();      // docs/openapi.json
std::string_view web_index_html();    // web/index.html
std::string_view web_app_js();        // web/app.js
std::string_view web_style_css();     // web/style.css
std::string_view socket_io_min_js();  // socket.io-client's dist/socket.io.min.js (npm, web/)

}  // namespace chatgate::embedded
