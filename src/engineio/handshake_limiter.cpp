#include "engineio/handshake_limiter.hpp"

#include <algorithm>

namespace chatgate::engineio {

handshake_limiter::handshake_limiter(handshake_limiter_settings s) : settings_(s) {
  if (settings_.limit > 0) {
    interval_ = std::chrono::duration_cast<clock::duration>(settings_.window) / settings_.limit;
    tolerance_ = std::chrono::duration_cast<clock::duration>(settings_.window) - interval_;
  }
  settings_.max_addresses = std::max<std::size_t>(settings_.max_addresses, 1);
}

handshake_limiter::key handshake_limiter::key_of(const boost::asio::ip::address& a) {
  key k{};
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), k.begin());
    k[15] = 4;  // apart from an IPv6 prefix that starts with the same bytes
    return k;
  }
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped())
    return key_of(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6));
  const auto b = v6.to_bytes();
  std::copy(b.begin(), b.begin() + 8, k.begin());  // the /64
  k[15] = 6;
  return k;
}

handshake_limiter::entry& handshake_limiter::find_or_add(const key& k, clock::time_point now) {
  if (auto it = table_.find(k); it != table_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.recency);
    return it->second;
  }
  if (table_.size() >= settings_.max_addresses) {
    table_.erase(lru_.back());
    lru_.pop_back();
    ++evictions_;
  }
  lru_.push_front(k);
  return table_.emplace(k, entry{now, lru_.begin()}).first->second;
}

std::chrono::milliseconds handshake_limiter::acquire(const boost::asio::ip::address& from,
                                                     clock::time_point now) {
  if (settings_.limit <= 0) return std::chrono::milliseconds::zero();
  entry& e = find_or_add(key_of(from), now);
  const auto tat = std::max(e.tat, now);
  if (tat - now > tolerance_) {
    // Refused: the wait until tat - tolerance, rounded up so that a retry after it succeeds.
    return std::chrono::ceil<std::chrono::milliseconds>(tat - now - tolerance_);
  }
  e.tat = tat + interval_;
  return std::chrono::milliseconds::zero();
}

}  // namespace chatgate::engineio
