#include "gateway/recovery_sessions.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include <spdlog/spdlog.h>

#include "chat/json.hpp"
#include "core/json_reader.hpp"
#include "core/object_id.hpp"
#include "gateway/payloads.hpp"
#include "gateway/room_service.hpp"
#include "gateway/socket_user.hpp"

namespace chatgate::gateway {

recovery_sessions::recovery_sessions(boost::asio::any_io_executor ex, chat::async_chat& chat,
                                     authenticate_fn authenticate, recovery_settings settings)
    : chat_(chat),
      authenticate_(std::move(authenticate)),
      settings_(settings),
      prune_timer_(std::move(ex)) {}

recovery_sessions::~recovery_sessions() {
  prune_timer_.cancel();
}

bool recovery_sessions::recoverable(std::string_view reason) {
  static constexpr std::array<std::string_view, 7> reasons{
      "transport error",      "transport close",     "forced close", "ping timeout",
      "server shutting down", "forced server close", "slow client"};
  return std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
}

std::optional<std::int64_t> recovery_sessions::parse_offset(std::string_view text) {
  std::int64_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value <= 0) return std::nullopt;
  return value;
}

std::optional<socketio::missed_event> recovery_sessions::to_missed(const store::recovery_event& e) {
  boost::json::value payload;
  if (e.name == "message:new")
    payload = chat::to_json(e.subject);
  else if (e.name == "message:updated")
    payload = payloads::message_updated(e.subject);
  else if (e.name == "message:deleted")
    payload = payloads::message_deleted(e.subject);
  else if (e.name == "message:reaction") {
    // extra: {"userId", "emoji", "added"} as chat_service logged it; `reactions` is the
    // message's list as it is now.
    auto extra = core::parse_json(e.extra, 4);
    const auto* o = extra ? extra->if_object() : nullptr;
    const auto* user = o ? o->if_contains("userId") : nullptr;
    const auto* emoji = o ? o->if_contains("emoji") : nullptr;
    const auto* added = o ? o->if_contains("added") : nullptr;
    if (!user || !user->is_string() || !emoji || !emoji->is_string() || !added || !added->is_bool())
      return std::nullopt;
    payload = payloads::message_reaction(e.subject, user->get_string(), emoji->get_string(),
                                         added->get_bool());
  } else
    return std::nullopt;
  auto a = payloads::one(std::move(payload));
  socketio::append_offset(a, e.offset);
  return socketio::missed_event{e.name, std::move(a)};
}

void recovery_sessions::restore(const socketio::handshake& hs, const std::string& pid,
                                const std::optional<std::string>& offset, restore_callback done) {
  auto id = authenticate_(hs);
  if (!id) return done(std::nullopt);  // the connection handler refuses it with the reason
  std::optional<std::int64_t> after;
  if (offset) {
    after = parse_offset(*offset);
    if (!after) return done(std::nullopt);  // not an offset of ours
  }
  store::recovery_claim claim{pid, id->user_id, after, {}, settings_.max_events};
  chat_.find_recovery_session(
      std::move(claim),
      [alive = std::weak_ptr<bool>(alive_), user = id->user_id,
       done = std::move(done)](core::result<std::optional<store::recovered_state>> found) {
        if (!alive.lock()) return;
        if (!found) {
          spdlog::error("gateway: session restore failed: {}", found.error().message);
          return done(std::nullopt);
        }
        if (!*found) return done(std::nullopt);
        socketio::restored_session r;
        r.sid = (*found)->socket_id;
        r.rooms.push_back(room_service::user_room(user));
        for (const auto& c : (*found)->conversation_ids)
          r.rooms.push_back(room_service::conversation_room(c));
        for (const auto& e : (*found)->events)
          if (auto m = to_missed(e)) r.missed.push_back(std::move(*m));
        done(std::move(r));
      });
}

void recovery_sessions::opened(socketio::socket& s, const std::string& user) {
  auto* u = user_of(s);
  if (!u || s.pid().empty()) return;
  u->recovery_owner = core::make_object_id();
  chat_.open_recovery_session(
      store::recovery_session{s.pid(), s.id(), user, u->recovery_owner}, [](core::result<void> r) {
        if (!r) spdlog::error("gateway: recovery session not opened: {}", r.error().message);
      });
}

void recovery_sessions::closed(socketio::socket& s, std::string_view reason) {
  auto* u = user_of(s);
  if (!u || u->recovery_owner.empty()) return;
  chat_.close_recovery_session(
      s.pid(), u->recovery_owner, recoverable(reason), [](core::result<void> r) {
        if (!r) spdlog::error("gateway: recovery session not closed: {}", r.error().message);
      });
}

void recovery_sessions::start() {
  schedule_prune();
}

void recovery_sessions::schedule_prune() {
  prune_timer_.expires_after(std::min(settings_.window, settings_.prune_period));
  prune_timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
        if (ec || !alive.lock()) return;
        chat_.prune_recovery([](core::result<void> r) {
          if (!r) spdlog::warn("gateway: recovery prune failed: {}", r.error().message);
        });
        schedule_prune();
      });
}

}  // namespace chatgate::gateway
