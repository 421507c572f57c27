#include "core/logging.hpp"

#include <memory>

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/json_string.hpp"

namespace chatgate::core {

namespace {

/// One JSON object a line: ts (ISO-8601 UTC, ms), level, msg.
class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto ts = to_iso8601(std::chrono::time_point_cast<std::chrono::milliseconds>(msg.time));
    auto level = spdlog::level::to_string_view(msg.level);
    auto line = json_log_line(ts, std::string_view(level.data(), level.size()),
                              std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

}  // namespace

std::string json_log_line(std::string_view ts, std::string_view level, std::string_view msg) {
  std::string out = "{\"ts\":";
  append_json_string(out, ts);
  out += ",\"level\":";
  append_json_string(out, level);
  out += ",\"msg\":";
  append_json_string(out, msg);
  out += "}\n";
  return out;
}

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view s) {
  using namespace spdlog::level;
  if (s == "trace") return trace;
  if (s == "debug") return debug;
  if (s == "info") return info;
  if (s == "warn" || s == "warning") return warn;
  if (s == "error") return err;
  if (s == "critical" || s == "fatal") return critical;
  if (s == "off" || s == "silent") return off;
  return std::nullopt;
}

std::optional<log_format> parse_log_format(std::string_view s) {
  if (s == "text") return log_format::text;
  if (s == "json") return log_format::json;
  return std::nullopt;
}

void init_logging(const log_settings& s) {
  auto logger = std::make_shared<spdlog::logger>("chatgate",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (s.format == log_format::json)
    logger->set_formatter(std::make_unique<json_formatter>());
  else
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(s.level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace chatgate::core
