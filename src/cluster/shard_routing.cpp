#include "cluster/shard_routing.hpp"

namespace chatgate::cluster {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

char shard_routing::prefix(std::size_t shard) {
  return alphabet[shard % max_shards];
}

std::string shard_routing::stamp(std::string id, std::size_t shard) {
  if (id.empty()) return id;
  id[0] = prefix(shard);
  return id;
}

std::optional<std::size_t> shard_routing::owner(std::string_view sid, std::size_t shards) {
  if (sid.empty()) return std::nullopt;
  const auto at = alphabet.find(sid.front());
  if (at == std::string_view::npos || at >= shards) return std::nullopt;
  return at;
}

std::string_view shard_routing::sid_of(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  if (const auto hash = query.find('#'); hash != std::string_view::npos)
    query = query.substr(0, hash);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (pair.starts_with("sid=")) return pair.substr(4);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::size_t shard_routing::route(std::string_view target, bool socket_path, std::size_t here,
                                 std::size_t shards) {
  if (!socket_path) return 0;
  return owner(sid_of(target), shards).value_or(here);
}

}  // namespace chatgate::cluster
