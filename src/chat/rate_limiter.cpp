#include "chat/rate_limiter.hpp"

#include <algorithm>

namespace chatgate::chat {

namespace {
// How many consume() calls between sweeps of users whose time lies in the past.
constexpr std::uint64_t prune_every = 1024;
}  // namespace

rate_limiter::rate_limiter(const core::clock& clock, rate_limit_settings settings)
    : clock_(clock), settings_(settings) {}

rate_limiter::shard& rate_limiter::shard_for(std::string_view user_id) {
  return shards_[string_hash{}(user_id) % shard_count];
}

std::int64_t rate_limiter::now_ticks() const {
  return clock_.now().time_since_epoch().count() * settings_.limit;
}

core::result<void> rate_limiter::consume(std::string_view user_id) {
  if (settings_.limit <= 0) return {};
  const std::int64_t now = now_ticks();
  const std::int64_t cost = settings_.window.count();
  const std::int64_t burst = cost * settings_.limit;
  if (calls_.fetch_add(1, std::memory_order_relaxed) % prune_every == prune_every - 1)
    prune_idle(now);  // before taking a shard's lock: it takes each in turn
  auto& s = shard_for(user_id);
  std::lock_guard lock(s.mutex);

  auto it = s.tat.find(user_id);
  const std::int64_t tat = it == s.tat.end() ? now : std::max(it->second, now);
  const std::int64_t next = tat + cost;
  if (next - now <= burst) {
    if (it == s.tat.end())
      s.tat.emplace(std::string(user_id), next);
    else
      it->second = next;
    return {};
  }
  auto e = core::make_error(core::error_code::rate_limited, "Too many messages, slow down");
  // The send passes once now reaches next - burst; ticks back to ms, rounded up.
  e.retry_after_ms = (next - burst - now + settings_.limit - 1) / settings_.limit;
  return e;
}

void rate_limiter::refund(std::string_view user_id) {
  if (settings_.limit <= 0) return;
  auto& s = shard_for(user_id);
  std::lock_guard lock(s.mutex);
  auto it = s.tat.find(user_id);
  if (it != s.tat.end()) it->second -= settings_.window.count();
}

std::size_t rate_limiter::tracked_users() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.tat.size();
  }
  return n;
}

void rate_limiter::prune_idle(std::int64_t now) {
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    std::erase_if(s.tat, [&](const auto& entry) { return entry.second <= now; });
  }
}

}  // namespace chatgate::chat
