#include "gateway/token_expiry.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/steady_timer.hpp>

#include "gateway/payloads.hpp"
#include "gateway/socket_user.hpp"
#include "socketio/namespace_.hpp"
#include "socketio/server.hpp"

namespace chatgate::gateway {

namespace json = boost::json;

/// Lives as long as the socket's handlers (they hold it); the timer's wait holds only a weak
/// reference to the socket, so a socket that is gone leaves nothing behind.
struct token_expiry::watch_state {
  explicit watch_state(boost::asio::any_io_executor ex) : timer(std::move(ex)) {}
  boost::asio::steady_timer timer;
};

token_expiry::token_expiry(const auth::verifier& verifier, const error_filter& errors,
                           const core::clock& clock)
    : verifier_(verifier), errors_(errors), clock_(clock) {}

void token_expiry::watch(const std::shared_ptr<socketio::socket>& s) {
  auto st = std::make_shared<watch_state>(s->nsp().owner().executor());
  auto* raw = s.get();  // the handlers live in the socket, so it outlives them
  s->on("auth:refresh", [this, raw, st](const socketio::args& a, const socketio::ack_fn& ack) {
    refresh(*raw, *st, a, ack);
  });
  s->on_disconnect([st](std::string_view) { st->timer.cancel(); });
  arm(*st, *s);
}

void token_expiry::arm(watch_state& st, socketio::socket& s) {
  st.timer.cancel();
  const auto* user = user_of(s);
  if (!user || !user->expires_at) return;
  const auto left = *user->expires_at - clock_.now();
  st.timer.expires_after(std::max(left, decltype(left)::zero()));
  // The wait holds no reference to the state: destroying the timer with the socket cancels it.
  st.timer.async_wait([this, weak = s.weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || !self->connected()) return;
    expire(*self);
  });
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

void token_expiry::refresh(socketio::socket& s, watch_state& st, const socketio::args& a,
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
  arm(st, s);
  json::object reply{{"success", true}};
  reply["expiresAt"] = id->expires_at ? json::value(core::to_iso8601(*id->expires_at)) : nullptr;
  if (ack) ack(payloads::one(std::move(reply)));
}

}  // namespace chatgate::gateway
