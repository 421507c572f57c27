#include "gateway/error_filter.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/array.hpp>

#include "gateway/payloads.hpp"
#include "gateway/socket_user.hpp"

namespace chatgate::gateway {

namespace json = boost::json;

namespace {

/// code, message and the optional fields shared by the event and the ack.
json::object error_body(const core::error& e) {
  json::object o{{"code", core::to_string(e.code)}, {"message", e.message}};
  if (!e.details.empty()) {
    json::array details;
    for (const auto& d : e.details) details.push_back({{"field", d.field}, {"message", d.message}});
    o["details"] = std::move(details);
  }
  if (e.code == core::error_code::rate_limited) o["retryAfterMs"] = e.retry_after_ms;
  return o;
}

}  // namespace

core::error error_filter::sanitize(core::error e) {
  if (e.code == core::error_code::internal_error) {
    e.message = "Internal server error";
    e.details.clear();
  }
  if (e.message.empty()) e.message = std::string(core::to_string(e.code));
  return e;
}

json::object error_filter::error_event(const core::error& e,
                                       std::string_view original_event) const {
  auto o = error_body(sanitize(e));
  o["timestamp"] = core::to_iso8601(clock_.now());
  if (!original_event.empty()) o["originalEvent"] = original_event;
  return o;
}

json::object error_filter::error_ack(const core::error& e) {
  return {{"success", false}, {"error", error_body(sanitize(e))}};
}

void error_filter::report(socketio::socket& s, std::string_view event, const core::error& e,
                          const socketio::ack_fn& ack) const {
  const auto* user = user_of(s);
  const std::string_view who = user ? std::string_view(user->user_id) : std::string_view("-");
  if (e.code == core::error_code::internal_error)
    spdlog::error("gateway: {} socket={} user={}: {}", event, s.id(), who, e.message);
  else
    spdlog::debug("gateway: {} socket={} user={}: {} {}", event, s.id(), who,
                  core::to_string(e.code), e.message);
  s.emit("error", payloads::one(error_event(e, event)));
  if (ack) ack(payloads::one(error_ack(e)));
}

}  // namespace chatgate::gateway
