// chat_service's part of connection state recovery (contract §8): the event log written beside
// each message change, and the sessions, both in the store (store::recovery_log).
#include <chrono>

#include <spdlog/spdlog.h>

#include "chat/chat_service.hpp"

namespace chatgate::chat {

namespace {
// A live session (a socket holds it) that nobody touched for this long belonged to an instance
// that died without closing it (SIGKILL): the prune forgets it.
constexpr std::chrono::hours live_session_lifetime{24};
}  // namespace

void chat_service::log_event(std::string_view name, store::message& m, std::string_view extra) {
  if (settings_.recovery_window <= std::chrono::milliseconds::zero()) return;
  // Inside a group commit this insert is part of the batch's transaction: it costs one more
  // statement, no commit of its own, and the event is logged exactly when its change is.
  auto offset = store_.append_recovery_event(m.conversation_id, name, m.id, extra, clock_.now());
  if (!offset) {
    spdlog::error("chat: {} of message {} not logged for recovery: {}", name, m.id,
                  offset.error().message);
    return;
  }
  m.event_offset = *offset;
}

core::result<std::optional<store::recovered_state>> chat_service::find_recovery_session(
    const store::recovery_claim& claim) {
  auto at_now = claim;
  at_now.now = clock_.now();
  return store_.find_recovery_session(at_now);
}

core::result<void> chat_service::open_recovery_session(const store::recovery_session& s) {
  return store_.open_recovery_session(s, clock_.now());
}

core::result<void> chat_service::close_recovery_session(std::string_view pid,
                                                        std::string_view owner, bool recoverable) {
  const auto now = clock_.now();
  return store_.close_recovery_session(pid, owner,
                                       recoverable ? now + settings_.recovery_window : now);
}

core::result<void> chat_service::prune_recovery() {
  const auto now = clock_.now();
  return store_.prune_recovery(now - settings_.recovery_window, now, now - live_session_lifetime);
}

}  // namespace chatgate::chat
