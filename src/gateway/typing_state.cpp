#include "gateway/typing_state.hpp"

namespace chatgate::gateway {

typing_state::time_point typing_state::deadline(const entry& e) const {
  return e.typing ? e.ends : e.last_forwarded + settings_.throttle;
}

bool typing_state::start(std::string_view user, std::string_view conversation, time_point now) {
  key k{std::string(user), std::string(conversation)};
  auto it = entries_.find(k);
  if (it == entries_.end()) {
    if (entries_.size() >= settings_.max_entries) return false;
    entry e{true, now, now + settings_.timeout};
    index(k, e);
    entries_.emplace(std::move(k), e);
    return true;
  }
  entry& e = it->second;
  const bool throttled = now - e.last_forwarded < settings_.throttle;
  if (!e.typing && throttled) return false;
  unindex(it->first, e);
  e.typing = true;
  e.ends = now + settings_.timeout;
  if (!throttled) e.last_forwarded = now;
  index(it->first, e);
  return !throttled;
}

bool typing_state::stop(std::string_view user, std::string_view conversation, time_point now) {
  auto it = entries_.find(key{std::string(user), std::string(conversation)});
  if (it == entries_.end() || !it->second.typing) return false;
  entry& e = it->second;
  unindex(it->first, e);
  e.typing = false;
  if (deadline(e) <= now) {
    entries_.erase(it);
  } else {
    index(it->first, e);
  }
  return true;
}

bool typing_state::is_typing(std::string_view user, std::string_view conversation) const {
  auto it = entries_.find(key{std::string(user), std::string(conversation)});
  return it != entries_.end() && it->second.typing;
}

bool typing_state::has_user(std::string_view user) const {
  auto it = entries_.lower_bound(key{std::string(user), std::string()});
  return it != entries_.end() && it->first.first == user;
}

std::vector<std::string> typing_state::stop_all(std::string_view user) {
  std::vector<std::string> ended;
  auto it = entries_.lower_bound(key{std::string(user), std::string()});
  while (it != entries_.end() && it->first.first == user) {
    if (it->second.typing) ended.push_back(it->first.second);
    unindex(it->first, it->second);
    it = entries_.erase(it);
  }
  return ended;
}

std::vector<typing_change> typing_state::expire(time_point now) {
  std::vector<typing_change> ended;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const key k = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = entries_.find(k);
    if (it == entries_.end()) continue;
    entry& e = it->second;
    if (e.typing) {
      ended.push_back({k.first, k.second, false});
      e.typing = false;
    }
    if (deadline(e) <= now) {
      entries_.erase(it);
    } else {
      index(k, e);
    }
  }
  return ended;
}

std::optional<typing_state::time_point> typing_state::next_deadline() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

}  // namespace chatgate::gateway
