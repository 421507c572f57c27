#include "rest/router.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>

#include <spdlog/spdlog.h>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/object.hpp>
#include <boost/url/parse.hpp>

#include "auth/bearer.hpp"
#include "core/json_reader.hpp"
#include "rest/reply.hpp"

namespace chatgate::rest {

namespace bhttp = boost::beast::http;
namespace json = boost::json;
using core::error_code;
using core::make_error;

namespace {

core::result<std::string> bearer_token(const http::request& req) {
  auto token = auth::bearer_token(req[bhttp::field::authorization]);
  if (!token)
    return make_error(error_code::unauthorized, "Missing or malformed Authorization header");
  return std::string(*token);
}

core::result<json::value> parse_body(const http::request& req) {
  if (req.body().empty()) return json::value(json::object());
  // The shared reader (doubles as JSON.parse rounds them); Boost.JSON's default depth limit.
  auto v = core::parse_json(req.body(), 32);
  if (!v) {
    auto e = core::validation_error("body", "is not valid JSON (" + v.error().message() + ")");
    e.message = "Malformed JSON body";
    return e;
  }
  return std::move(*v);
}

bool matches(const std::vector<std::string_view>& pattern, const std::vector<std::string>& path,
             std::vector<std::string>& params) {
  if (pattern.size() != path.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (pattern[i] == ":")
      params.push_back(path[i]);
    else if (pattern[i] != path[i])
      return false;
  }
  return true;
}

}  // namespace

router::router(chat::async_chat& chat, chat::presence& presence, const auth::verifier& verifier,
               core::metrics& metrics, router_settings settings)
    : api_(chat, presence),
      verifier_(verifier),
      metrics_(metrics),
      request_metrics_(metrics),
      settings_(std::move(settings)),
      cors_(settings_.allowed_origins),
      files_(settings_.web, settings_.socket_port) {
  using v = bhttp::verb;
  for (const char* name :
       {"preflight", "unmatched", "/health", "/ready", "/metrics", "body_too_large", "static"})
    request_metrics_.add_route(name);  // the fixed_route ids, in order
  auto add = [this](v method, std::vector<std::string_view> pattern, api::endpoint fn) {
    std::string name = "/api/v1";
    for (auto s : pattern) name += "/" + std::string(s == ":" ? ":param" : s);
    routes_.push_back(
        {method, std::move(pattern), fn, request_metrics_.add_route(std::move(name))});
  };
  add(v::post, {"conversations"}, &api::create_conversation);
  add(v::get, {"conversations"}, &api::list_conversations);
  add(v::get, {"conversations", ":"}, &api::get_conversation);
  add(v::patch, {"conversations", ":"}, &api::update_conversation);
  add(v::post, {"conversations", ":", "participants"}, &api::add_participant);
  add(v::delete_, {"conversations", ":", "participants", ":"}, &api::remove_participant);
  add(v::post, {"conversations", ":", "leave"}, &api::leave);
  add(v::post, {"conversations", ":", "read"}, &api::mark_read);
  add(v::post, {"conversations", ":", "messages"}, &api::send_message);
  add(v::get, {"conversations", ":", "messages"}, &api::list_messages);
  add(v::get, {"messages", ":"}, &api::get_message);
  add(v::patch, {"messages", ":"}, &api::edit_message);
  add(v::delete_, {"messages", ":"}, &api::delete_message);
  add(v::post, {"messages", ":", "reactions"}, &api::add_reaction);
  add(v::delete_, {"messages", ":", "reactions", ":"}, &api::remove_reaction);
  add(v::post, {"presence"}, &api::presence);
  add(v::get, {"admin", "connections"}, &api::admin_connections);
}

std::vector<std::string> router::route_table() const {
  std::vector<std::string> out{"GET /health", "GET /ready", "GET /metrics",
                               "GET " + std::string(static_files::openapi_path)};
  for (const auto& r : routes_) {
    std::string line = std::string(bhttp::to_string(r.method)) + " /api/v1";
    for (auto s : r.pattern) line += "/" + std::string(s == ":" ? "{}" : s);
    out.push_back(std::move(line));
  }
  return out;
}

void router::add_readiness_check(std::string name, std::function<bool()> ready) {
  readiness_.emplace_back(std::move(name), std::move(ready));
}

std::size_t router::body_limit(const http::request_header&) const {
  return settings_.max_body_bytes;
}

http::response router::on_body_too_large(const http::request_header& header) {
  auto e =
      make_error(error_code::validation_error,
                 "Request body larger than " + std::to_string(settings_.max_body_bytes) + " bytes");
  auto res = error_response(header, e, 413);
  res.keep_alive(false);  // the rest of the body was not read
  cors_.decorate(header, res);
  request_metrics_.record(too_large, header.method(), 413, 0);
  return res;
}

void router::on_request(http::request&& req, const http::connection_info&,
                        http::responder respond) {
  handle_async(req, std::move(respond));
}

void router::on_upgrade(http::request&& req, boost::beast::tcp_stream&& stream,
                        boost::beast::flat_buffer&&, const http::connection_info&) {
  auto res = not_found(req);
  res.keep_alive(false);
  // A few hundred bytes into a fresh socket's send buffer: this does not block in practice.
  boost::beast::error_code ec;
  bhttp::write(stream, res, ec);
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  stream.close();
}

void router::handle_async(const http::request& req, http::responder respond) {
  const auto start = std::chrono::steady_clock::now();
  auto answered = std::make_shared<bool>(false);
  finisher finish = [this, start, answered, header = http::request_header(req.base()),
                     respond = std::move(respond)](http::response res, std::size_t route) {
    if (*answered) return;
    *answered = true;
    cors_.decorate(header, res);
    record(header, res, route,
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    respond(std::move(res));
  };
  try {
    dispatch(req, finish);
  } catch (const std::exception& e) {
    spdlog::error("rest: {} {}: unexpected exception: {}", req.method_string(), req.target(),
                  e.what());
    finish(error_response(req, make_error(error_code::internal_error, "Internal server error")),
           unmatched);
  }
}

http::response router::handle(const http::request& req) {
  auto out = std::make_shared<std::optional<http::response>>();
  handle_async(req, [out](http::response&& res) { *out = std::move(res); });
  if (!*out) throw std::logic_error("rest::router::handle: the answer was deferred");
  return std::move(**out);
}

void router::dispatch(const http::request& req, const finisher& finish) {
  if (req.method() == bhttp::verb::options) return finish(cors_.preflight(req), preflight);
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url)
    return finish(
        error_response(req, core::validation_error("path", "is not a valid request target")),
        unmatched);
  std::vector<std::string> path;
  for (auto seg : url->segments()) path.push_back(seg);
  while (!path.empty() && path.back().empty()) path.pop_back();  // "/health/" = "/health"

  if (req.method() == bhttp::verb::get && path.size() == 1) {
    if (path[0] == "health")
      return finish(json_response(req, 200, json::object{{"status", "ok"}}), health);
    if (path[0] == "ready") return finish(ready(req), readiness);
    if (path[0] == "metrics") return finish(metrics_response(req), metrics_text);
  }
  if (auto file = files_.serve(req)) return finish(std::move(*file), static_file);
  if (path.size() < 2 || path[0] != "api" || path[1] != "v1")
    return finish(not_found(req), unmatched);
  path.erase(path.begin(), path.begin() + 2);
  std::vector<std::string> params;
  for (const auto& r : routes_) {
    if (r.method != req.method() || !matches(r.pattern, path, params)) continue;
    std::map<std::string, std::string, std::less<>> query;
    for (auto p : url->params()) query.try_emplace(p.key, p.has_value ? p.value : "");
    return call_api(req, r, std::move(params), std::move(query), finish);
  }
  finish(not_found(req), unmatched);
}

http::response router::metrics_response(const http::request& req) {
  http::response res{bhttp::status::ok, req.version()};
  res.keep_alive(wants_keep_alive(req));
  res.set(bhttp::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  res.body() = metrics_.render();
  res.prepare_payload();
  return res;
}

void router::call_api(const http::request& req, const route& r, std::vector<std::string> params,
                      std::map<std::string, std::string, std::less<>> query,
                      const finisher& finish) {
  auto token = bearer_token(req);
  if (!token) return finish(error_response(req, token.error()), r.metrics_id);
  auto who = verifier_.verify(*token);
  if (!who) return finish(error_response(req, who.error()), r.metrics_id);
  auto body = parse_body(req);
  if (!body) return finish(error_response(req, body.error()), r.metrics_id);

  call c{who->user_id, std::move(params), std::move(query), std::move(*body), who->roles};
  (api_.*r.endpoint)(c, [this, finish, id = r.metrics_id, user = c.user,
                         header = http::request_header(req.base())](core::result<reply> out) {
    finish(api_response(header, user, std::move(out)), id);
  });
}

http::response router::api_response(const http::request_header& req, const std::string& user,
                                    core::result<reply> out) {
  if (out) {
    if (out->body.is_null()) return empty_response(req, out->status);
    return json_response(req, out->status, out->body);
  }
  if (out.error().code == error_code::internal_error) {
    spdlog::error("rest: {} {} user={}: {}", req.method_string(), req.target(), user,
                  out.error().message);
    return error_response(req, make_error(error_code::internal_error, "Internal server error"));
  }
  return error_response(req, out.error());
}

http::response router::ready(const http::request& req) {
  json::object checks;
  std::string failing;
  for (const auto& [name, check] : readiness_) {
    bool ok = false;
    try {
      ok = check();
    } catch (const std::exception& e) {
      spdlog::warn("rest: readiness check {} threw: {}", name, e.what());
    }
    checks[name] = ok ? "ok" : "failing";
    if (!ok) failing += (failing.empty() ? "" : ", ") + name;
  }
  if (failing.empty())
    return json_response(req, 200, json::object{{"status", "ready"}, {"checks", checks}});
  auto res =
      error_response(req, make_error(error_code::service_unavailable, "Not ready: " + failing));
  auto body = core::parse_json(res.body(), 32).value().as_object();
  body["checks"] = std::move(checks);
  return json_response(req, 503, body);
}

http::response router::not_found(const http::request& req) const {
  std::string path(req.target().substr(0, req.target().find('?')));
  return error_response(req, make_error(error_code::not_found,
                                        "Cannot " + std::string(req.method_string()) + " " + path));
}

void router::record(const http::request_header& req, const http::response& res, std::size_t route,
                    double seconds) {
  request_metrics_.record(route, req.method(), res.result_int(), seconds);
  spdlog::debug("rest: {} {} {} {:.3f}ms", req.method_string(), req.target(), res.result_int(),
                seconds * 1000);
}

}  // namespace chatgate::rest
