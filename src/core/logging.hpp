#pragma once
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/common.h>

namespace chatgate::core {

enum class log_format { text, json };

/// LOG_LEVEL / LOG_FORMAT (contract §1).
struct log_settings {
  spdlog::level::level_enum level = spdlog::level::info;  // trace, debug, info, warn, error, off
  log_format format = log_format::text;                   // json: one object a line
  bool operator==(const log_settings&) const = default;
};

/// "trace".."critical", "off" (also "warning"); nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view s);
/// "text" or "json".
std::optional<log_format> parse_log_format(std::string_view s);

/// Makes spdlog's default logger write to stderr with the given level and format. Modules log
/// with spdlog::info(...) etc.; this is the one place that decides where and how.
void init_logging(const log_settings& s);

/// The JSON line for one record: {"ts":"...","level":"info","msg":"..."} (exposed for tests).
std::string json_log_line(std::string_view ts, std::string_view level, std::string_view msg);

}  // namespace chatgate::core
