#include "chat/rate_limiter.hpp"

namespace chatgate::chat {

namespace {
// How many consume() calls between sweeps of users whose whole log left the window.
constexpr std::uint64_t prune_every = 1024;
}  // namespace

rate_limiter::rate_limiter(const core::clock& clock, rate_limit_settings settings)
    : clock_(clock), settings_(settings) {}

core::result<void> rate_limiter::consume(std::string_view user_id) {
  if (settings_.limit <= 0) return {};
  std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  if (++calls_since_prune_ >= prune_every) prune_idle(now);

  auto& log = log_[std::string(user_id)];
  // A send at exactly now - window has left the window: [now - window, now) would count it
  // twice across adjacent windows otherwise.
  while (!log.empty() && log.front() <= now - settings_.window) log.pop_front();
  if (log.size() < static_cast<std::size_t>(settings_.limit)) {
    log.push_back(now);
    return {};
  }
  auto e = core::make_error(core::error_code::rate_limited, "Too many messages, slow down");
  e.retry_after_ms = (log.front() + settings_.window - now).count();
  return e;
}

void rate_limiter::refund(std::string_view user_id) {
  if (settings_.limit <= 0) return;
  std::lock_guard lock(mutex_);
  auto it = log_.find(std::string(user_id));
  if (it != log_.end() && !it->second.empty()) it->second.pop_back();
}

void rate_limiter::prune_idle(core::sys_time_ms now) {
  calls_since_prune_ = 0;
  std::erase_if(log_, [&](const auto& entry) {
    return entry.second.empty() || entry.second.back() <= now - settings_.window;
  });
}

}  // namespace chatgate::chat
