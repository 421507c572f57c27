#include "rest/static_files.hpp"

#include <boost/beast/http/field.hpp>

#include "rest/embedded.hpp"
#include "rest/reply.hpp"

namespace chatgate::rest {

namespace bhttp = boost::beast::http;

static_files::static_files(bool web, unsigned socket_port)
    : web_config_("{\"socketPort\":" + std::to_string(socket_port) + "}") {
  files_.push_back({openapi_path, "application/json", embedded::openapi_json()});
  if (!web) return;
  const auto html = "text/html; charset=utf-8";
  files_.push_back({"/", html, embedded::web_index_html()});
  files_.push_back({"/index.html", html, embedded::web_index_html()});
  files_.push_back({"/app.js", "text/javascript; charset=utf-8", embedded::web_app_js()});
  files_.push_back({"/style.css", "text/css; charset=utf-8", embedded::web_style_css()});
  files_.push_back({"/web-config.json", "application/json", web_config_});
  files_.push_back(
      {"/socket.io.min.js", "text/javascript; charset=utf-8", embedded::socket_io_min_js()});
}

std::optional<http::response> static_files::serve(const http::request& req) const {
  if (req.method() != bhttp::verb::get) return std::nullopt;
  const auto target = std::string_view(req.target().data(), req.target().size());
  const auto path = target.substr(0, target.find('?'));
  for (const auto& f : files_) {
    if (f.path != path) continue;
    http::response res{bhttp::status::ok, req.version()};
    res.keep_alive(wants_keep_alive(req));
    res.set(bhttp::field::content_type, f.content_type);
    res.set(bhttp::field::cache_control, "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    res.body() = std::string(f.body);
    res.prepare_payload();
    return res;
  }
  return std::nullopt;
}

}  // namespace chatgate::rest
