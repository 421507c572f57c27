#include "gateway/token_expiry.hpp"

#include <spdlog/spdlog.h>

#include "gateway/payloads.hpp"
#include "gateway/socket_user.hpp"
#include "socketio/namespace_.hpp"
#include "socketio/server.hpp"

namespace chatgate::gateway {

namespace json = boost::json;

token_expiry::token_expiry(boost::asio::any_io_executor executor, const auth::verifier& verifier,
                           const error_filter& errors, const core::clock& clock)
    : verifier_(verifier),
      errors_(errors),
      clock_(clock),
      timers_(std::move(executor),
              [this](const std::shared_ptr<void>& owner, std::uint32_t,
                     engineio::timer_queue::time_point at) { on_due(owner, at); }) {}

void token_expiry::bind(socketio::namespace_& nsp) {
  nsp.on("auth:refresh",
         [this](socketio::socket& s, const socketio::args& a, const socketio::ack_fn& ack) {
           const auto* user = user_of(s);
           if (!user || !user->watched) return;  // as before `connected`: no handler yet
           refresh(s, a, ack);
         });
}

void token_expiry::watch(const std::shared_ptr<socketio::socket>& s) {
  auto* user = user_of(*s);
  if (!user) return;
  user->watched = true;
  arm(*s);
}

void token_expiry::arm(socketio::socket& s) {
  auto* user = user_of(s);
  if (!user) return;
  // Re-arming leaves the earlier entry in the queue: it no longer matches and is dropped.
  user->expiry_deadline = engineio::timer_queue::time_point::max();
  if (!user->expires_at) return;
  const auto left = *user->expires_at - clock_.now();
  user->expiry_deadline =
      timers_.now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::max(left, decltype(left)::zero()));
  timers_.schedule(s.weak_from_this(), 0, user->expiry_deadline);
}

void token_expiry::on_due(const std::shared_ptr<void>& owner,
                          engineio::timer_queue::time_point at) {
  auto self = std::static_pointer_cast<socketio::socket>(owner);
  auto* user = user_of(*self);
  if (!user || user->expiry_deadline != at || !self->connected()) return;
  user->expiry_deadline = engineio::timer_queue::time_point::max();
  expire(*self);
}

void token_expiry::expire(socketio::socket& s) {
  const auto* user = user_of(s);
  spdlog::info("gateway: socket {} of user {}: token expired, disconnecting", s.id(),
               user ? user->user_id : "?");
  s.emit(
      "error",
      payloads::one(errors_.error_event(
          core::make_error(core::error_code::token_expired, "Authentication token expired"), {})));
  s.disconnect();
}

void token_expiry::refresh(socketio::socket& s, const socketio::args& a,
                           const socketio::ack_fn& ack) {
  constexpr std::string_view event = "auth:refresh";
  auto* user = user_of(s);
  const json::object* payload = a.empty() ? nullptr : a.front().if_object();
  const json::value* token = payload ? payload->if_contains("token") : nullptr;
  if (!user || !token || !token->is_string() || token->as_string().empty())
    return errors_.report(
        s, event, core::make_error(core::error_code::unauthorized, "auth:refresh needs {token}"),
        ack);
  auto id = verifier_.verify(token->as_string(), clock_.now());
  if (!id)
    return errors_.report(
        s, event, core::make_error(core::error_code::unauthorized, "Invalid authentication token"),
        ack);
  if (id->user_id != user->user_id)
    return errors_.report(
        s, event, core::make_error(core::error_code::unauthorized, "Token is for another user"),
        ack);
  user->expires_at = id->expires_at;
  arm(s);
  json::object reply{{"success", true}};
  reply["expiresAt"] = id->expires_at ? json::value(core::to_iso8601(*id->expires_at)) : nullptr;
  if (ack) ack(payloads::one(std::move(reply)));
}

}  // namespace chatgate::gateway
