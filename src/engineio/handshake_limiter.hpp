#pragma once
#include <array>
#include <chrono>
#include <cstddef>
#include <list>
#include <string_view>
#include <unordered_map>

#include <boost/asio/ip/address.hpp>

namespace chatgate::engineio {

/// Settings of the per-address handshake limit (contract §9, CONNECT_RATE_LIMIT).
struct handshake_limiter_settings {
  /// Handshakes one client address may start per `window`, as a burst; 0: no limit.
  int limit = 20;
  std::chrono::milliseconds window{1000};
  /// Addresses remembered at most; past it the least recently seen is forgotten (and starts
  /// again with a full budget). About 80 bytes each: 65536 addresses ≈ 5 MB at worst.
  std::size_t max_addresses = 65536;
};

/// GCRA (the "virtual scheduling" form of a token bucket) per client address: one time point
/// per address, so memory is O(1) per address and the table is bounded by max_addresses (LRU
/// eviction, O(1)). IPv4 (and IPv4-mapped IPv6) addresses count one by one; other IPv6
/// addresses by their /64 prefix, the block one host usually holds. No I/O and no clock of its
/// own: the caller passes `now`. Single-threaded (the io thread of its engineio::server).
class handshake_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit handshake_limiter(handshake_limiter_settings s);

  /// Counts one handshake from `from` at `now`: zero when it is allowed, else how long until
  /// one would be (nothing is counted then).
  std::chrono::milliseconds acquire(const boost::asio::ip::address& from, clock::time_point now);
  /// Addresses remembered now.
  std::size_t tracked() const { return table_.size(); }
  /// Addresses forgotten to stay within max_addresses.
  std::size_t evictions() const { return evictions_; }

 private:
  using key = std::array<unsigned char, 16>;
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept {
      return std::hash<std::string_view>{}(
          std::string_view(reinterpret_cast<const char*>(k.data()), k.size()));
    }
  };
  struct entry {
    clock::time_point tat;             // theoretical arrival time of the next handshake
    std::list<key>::iterator recency;  // position in lru_
  };

  static key key_of(const boost::asio::ip::address& a);
  entry& find_or_add(const key& k, clock::time_point now);

  handshake_limiter_settings settings_;
  clock::duration interval_{};   // window / limit: one handshake's share
  clock::duration tolerance_{};  // window - interval: how far ahead tat may run (the burst)
  std::unordered_map<key, entry, key_hash> table_;
  std::list<key> lru_;  // most recently seen first
  std::size_t evictions_ = 0;
};

}  // namespace chatgate::engineio
