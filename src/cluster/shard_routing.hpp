#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace chatgate::cluster {

/// Which io thread (shard) serves a request, with IO_THREADS > 1. No I/O: the app's
/// shard_router applies it.
///
///   /socket.io/?EIO=4&transport=polling             the thread that read it (a new session)
///   /socket.io/?EIO=4&transport=polling&sid=Bxyz…   the thread named by the sid's first character
///   /socket.io/?EIO=4&transport=websocket&sid=Bx…   (the upgrade too: its socket moves there)
///   /api/v1/…, /health, /metrics, /                 thread 0 (REST)
///
/// An Engine.IO sid is 20 base64url characters; the first names the shard that owns the session
/// ('A' = 0, 'B' = 1, … as the base64url alphabet, so up to 64 threads). A sid whose first
/// character names no shard stays where it arrived, and is refused there as unknown.
class shard_routing {
 public:
  static constexpr std::size_t max_shards = 64;

  /// The first character of the sids made by `shard`.
  static char prefix(std::size_t shard);
  /// `id` with its first character replaced by shard's prefix.
  static std::string stamp(std::string id, std::size_t shard);
  /// The shard a sid names, if it names one of `shards`.
  static std::optional<std::size_t> owner(std::string_view sid, std::size_t shards);
  /// The value of `sid` in the query of a request target ("" when absent).
  static std::string_view sid_of(std::string_view target);
  /// The shard that serves `target`: `socket_path` says it is under /socket.io/, `here` is the
  /// thread that read the request.
  static std::size_t route(std::string_view target, bool socket_path, std::size_t here,
                           std::size_t shards);
};

}  // namespace chatgate::cluster
