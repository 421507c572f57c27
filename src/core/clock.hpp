#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatgate::core {

using sys_time_ms = std::chrono::sys_time<std::chrono::milliseconds>;

/// Wall clock, injectable so that services and tests agree on "now".
class clock {
 public:
  virtual ~clock() = default;
  virtual sys_time_ms now() const;
};

/// ISO-8601 UTC with milliseconds: 2026-11-25T21:04:05.123Z (contract §3).
std::string to_iso8601(sys_time_ms t);
/// Parses what to_iso8601 writes; nullopt for anything else.
std::optional<sys_time_ms> parse_iso8601(std::string_view s);
/// Milliseconds since the epoch (the seed's Date.now()).
std::int64_t to_epoch_ms(sys_time_ms t);

}  // namespace chatgate::core
