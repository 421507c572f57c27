#include "core/config.hpp"

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

using namespace chatgate::core;
using namespace std::chrono_literals;

namespace {

struct run {
  std::map<std::string, std::string, std::less<>> env{{"JWT_SECRET", "s3cret"}};
  cli operator()(std::vector<std::string> args) const {
    std::vector<const char*> argv{"chatgate"};
    for (auto& a : args) argv.push_back(a.c_str());
    return parse_command_line(static_cast<int>(argv.size()), argv.data(),
                              [this](std::string_view n) -> std::optional<std::string> {
                                auto it = env.find(n);
                                if (it == env.end()) return std::nullopt;
                                return it->second;
                              });
  }
};

TEST(config, defaults_match_the_contract) {
  auto r = run{}({});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.cmd, command::serve);
  const auto& c = r.cfg;
  EXPECT_EQ(c.http_port, 4000);
  EXPECT_EQ(c.ws_port, 4001);
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.database_url, "sqlite://./chatgate.db");
  EXPECT_EQ(c.recovery_window, 0ms);  // connection state recovery off, as in Socket.IO
  EXPECT_EQ(c.redis_url, "");
  EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(c.rate_limit, 30);
  EXPECT_EQ(c.rate_window, 10s);
  EXPECT_EQ(c.max_connections_per_user, 10);
  EXPECT_EQ(c.ping_interval, 25000ms);
  EXPECT_EQ(c.ping_timeout, 60000ms);
  EXPECT_EQ(c.max_payload_bytes, 1000000u);
  EXPECT_EQ(c.connect_timeout, 45000ms);
  EXPECT_EQ(c.max_group_size, 1000u);
  EXPECT_EQ(c.max_body_bytes, 1048576u);
  EXPECT_EQ(c.ws_handshake_timeout, 30000ms);
  EXPECT_EQ(c.max_header_bytes, 16384u);
  EXPECT_EQ(c.http_idle_timeout, 30000ms);
  EXPECT_EQ(c.http_write_timeout, 30000ms);
  EXPECT_EQ(c.listen_backlog, 511);
  EXPECT_EQ(c.drain_timeout, 10000ms);
  EXPECT_EQ(c.log.level, spdlog::level::info);
  EXPECT_EQ(c.log.format, log_format::text);
  EXPECT_FALSE(c.dev);
}

TEST(config, every_setting_from_the_environment) {
  run r;
  r.env = {{"HTTP_PORT", "5000"},
           {"WS_PORT", "5000"},
           {"HOST", "127.0.0.1"},
           {"DATABASE_URL", "postgresql://u@h/db"},
           {"REDIS_URL", "redis://localhost:6379"},
           {"JWT_SECRET", "x"},
           {"JWT_PUBLIC_KEY", "/k.pem"},
           {"JWT_ISSUER", "iss"},
           {"JWT_AUDIENCE", "aud"},
           {"ALLOWED_ORIGINS", "https://a.example, http://b.example:8080/"},
           {"RATE_LIMIT", "5/1m"},
           {"MAX_CONNECTIONS_PER_USER", "3"},
           {"PING_INTERVAL_MS", "1000"},
           {"PING_TIMEOUT_MS", "2000"},
           {"MAX_PAYLOAD_BYTES", "100"},
           {"CONNECT_TIMEOUT_MS", "300"},
           {"RECOVERY_WINDOW_MS", "120000"},
           {"MAX_GROUP_SIZE", "2"},
           {"MAX_BODY_BYTES", "64"},
           {"WS_HANDSHAKE_TIMEOUT_MS", "1500"},
           {"MAX_HEADER_BYTES", "4096"},
           {"HTTP_IDLE_TIMEOUT_MS", "700"},
           {"HTTP_WRITE_TIMEOUT_MS", "800"},
           {"LISTEN_BACKLOG", "64"},
           {"DRAIN_TIMEOUT_MS", "2500"},
           {"UPGRADE_TIMEOUT_MS", "900"},
           {"CLOSE_TIMEOUT_MS", "950"},
           {"MAX_QUEUED_BYTES", "1024"},
           {"ACK_TIMEOUT_MS", "1100"},
           {"MAX_PENDING_ACKS", "1"},
           {"MAX_ATTACHMENTS", "0"},
           {"LOG_LEVEL", "debug"},
           {"LOG_FORMAT", "json"},
           {"CHATGATE_DEV", "true"}};
  auto out = r({});
  ASSERT_EQ(out.error, "");
  const auto& c = out.cfg;
  EXPECT_EQ(c.http_port, 5000);
  EXPECT_EQ(c.ws_port, 5000);
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.database_url, "postgresql://u@h/db");
  EXPECT_EQ(c.redis_url, "redis://localhost:6379");
  EXPECT_EQ(c.jwt_secret, "x");
  EXPECT_EQ(c.jwt_public_key, "/k.pem");
  EXPECT_EQ(c.jwt_issuer, "iss");
  EXPECT_EQ(c.jwt_audience, "aud");
  EXPECT_EQ(c.allowed_origins,
            (std::vector<std::string>{"https://a.example", "http://b.example:8080"}));
  EXPECT_EQ(c.rate_limit, 5);
  EXPECT_EQ(c.rate_window, 60s);
  EXPECT_EQ(c.max_connections_per_user, 3);
  EXPECT_EQ(c.ping_interval, 1000ms);
  EXPECT_EQ(c.ping_timeout, 2000ms);
  EXPECT_EQ(c.max_payload_bytes, 100u);
  EXPECT_EQ(c.connect_timeout, 300ms);
  EXPECT_EQ(c.recovery_window, 120000ms);
  EXPECT_EQ(c.max_group_size, 2u);
  EXPECT_EQ(c.max_body_bytes, 64u);
  EXPECT_EQ(c.ws_handshake_timeout, 1500ms);
  EXPECT_EQ(c.max_header_bytes, 4096u);
  EXPECT_EQ(c.http_idle_timeout, 700ms);
  EXPECT_EQ(c.http_write_timeout, 800ms);
  EXPECT_EQ(c.listen_backlog, 64);
  EXPECT_EQ(c.drain_timeout, 2500ms);
  EXPECT_EQ(c.upgrade_timeout, 900ms);
  EXPECT_EQ(c.close_timeout, 950ms);
  EXPECT_EQ(c.max_queued_bytes, 1024u);  // the lowest accepted
  EXPECT_EQ(c.ack_timeout, 1100ms);
  EXPECT_EQ(c.max_pending_acks, 1u);
  EXPECT_EQ(c.max_attachments, 0u);
  EXPECT_EQ(c.log.level, spdlog::level::debug);
  EXPECT_EQ(c.log.format, log_format::json);
  EXPECT_TRUE(c.dev);
}

TEST(config, every_setting_from_flags) {
  auto out = run{}({"serve",
                    "--http-port",
                    "7000",
                    "--ws-port=7001",
                    "--host",
                    "::1",
                    "--database-url",
                    "sqlite:///tmp/x.db",
                    "--redis-url",
                    "rediss://r",
                    "--jwt-secret",
                    "f",
                    "--jwt-public-key",
                    "k",
                    "--jwt-issuer",
                    "i",
                    "--jwt-audience",
                    "a",
                    "--allowed-origins",
                    "*",
                    "--rate-limit",
                    "0/1s",
                    "--max-connections-per-user",
                    "1",
                    "--ping-interval-ms",
                    "5",
                    "--ping-timeout-ms",
                    "6",
                    "--max-payload-bytes",
                    "7",
                    "--connect-timeout-ms",
                    "8",
                    "--max-group-size",
                    "9",
                    "--max-body-bytes",
                    "10",
                    "--log-level",
                    "off",
                    "--log-format",
                    "text",
                    "--dev"});
  ASSERT_EQ(out.error, "");
  const auto& c = out.cfg;
  EXPECT_EQ(c.http_port, 7000);
  EXPECT_EQ(c.ws_port, 7001);
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.database_url, "sqlite:///tmp/x.db");
  EXPECT_EQ(c.redis_url, "rediss://r");
  EXPECT_EQ(c.jwt_secret, "f");
  EXPECT_EQ(c.jwt_public_key, "k");
  EXPECT_EQ(c.jwt_issuer, "i");
  EXPECT_EQ(c.jwt_audience, "a");
  EXPECT_EQ(c.rate_limit, 0);
  EXPECT_EQ(c.rate_window, 1s);
  EXPECT_EQ(c.max_connections_per_user, 1);
  EXPECT_EQ(c.ping_interval, 5ms);
  EXPECT_EQ(c.ping_timeout, 6ms);
  EXPECT_EQ(c.max_payload_bytes, 7u);
  EXPECT_EQ(c.connect_timeout, 8ms);
  EXPECT_EQ(c.max_group_size, 9u);
  EXPECT_EQ(c.max_body_bytes, 10u);
  EXPECT_EQ(c.log.level, spdlog::level::off);
  EXPECT_TRUE(c.dev);
}

TEST(config, flags_override_the_environment) {
  run r;
  r.env["HTTP_PORT"] = "5000";
  r.env["RATE_LIMIT"] = "1/1s";
  auto out = r({"--http-port", "6000"});  // no subcommand: serve
  ASSERT_EQ(out.error, "");
  EXPECT_EQ(out.cmd, command::serve);
  EXPECT_EQ(out.cfg.http_port, 6000);
  EXPECT_EQ(out.cfg.rate_limit, 1);  // environment still applies where no flag is given
}

TEST(config, empty_environment_values_are_unset) {
  run r;
  r.env["HTTP_PORT"] = "";
  auto out = r({});
  ASSERT_EQ(out.error, "");
  EXPECT_EQ(out.cfg.http_port, 4000);
}

struct bad_value {
  std::string env, value, expected_line;
};

class config_bad_values : public ::testing::TestWithParam<bad_value> {};

TEST_P(config_bad_values, stop_with_one_line_naming_the_setting) {
  const auto& p = GetParam();
  run r;
  r.env[p.env] = p.value;
  auto out = r({});
  EXPECT_EQ(out.error, p.expected_line);
  EXPECT_EQ(out.error.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    each_class, config_bad_values,
    ::testing::Values(
        bad_value{"RATE_LIMIT", "abc",
                  "config: RATE_LIMIT: expected N/<duration> like 30/10s, got \"abc\""},
        bad_value{"RATE_LIMIT", "30/10x",
                  "config: RATE_LIMIT: expected N/<duration> like 30/10s, got \"30/10x\""},
        bad_value{"RATE_LIMIT", "30/0s",
                  "config: RATE_LIMIT: expected N/<duration> like 30/10s, got \"30/0s\""},
        bad_value{"MAX_QUEUED_BYTES", "1023",
                  "config: MAX_QUEUED_BYTES: expected an integer from 1024 to 1073741824, got "
                  "\"1023\""},
        bad_value{"MAX_ATTACHMENTS", "10001",
                  "config: MAX_ATTACHMENTS: expected an integer from 0 to 10000, got \"10001\""},
        bad_value{"MAX_PENDING_ACKS", "0",
                  "config: MAX_PENDING_ACKS: expected an integer from 1 to 1000000, got \"0\""},
        bad_value{"HTTP_PORT", "http",
                  "config: HTTP_PORT: expected an integer from 1 to 65535, got \"http\""},
        bad_value{"HTTP_PORT", "65536",
                  "config: HTTP_PORT: expected an integer from 1 to 65535, got \"65536\""},
        bad_value{"WS_PORT", "0",
                  "config: WS_PORT: expected an integer from 1 to 65535, got \"0\""},
        bad_value{"HOST", "example.com",
                  "config: HOST: expected an IPv4 or IPv6 address like 0.0.0.0 or 127.0.0.1, "
                  "got \"example.com\""},
        bad_value{"DATABASE_URL", "mysql://x",
                  "config: DATABASE_URL: expected sqlite://PATH or postgresql://..., got "
                  "\"mysql://x\""},
        bad_value{"REDIS_URL", "localhost:6379",
                  "config: REDIS_URL: expected redis://[user:password@]host[:port][/db], got "
                  "\"localhost:6379\""},
        bad_value{"ALLOWED_ORIGINS", "example.com",
                  "config: ALLOWED_ORIGINS: expected * or comma-separated origins like "
                  "https://app.example.com, got \"example.com\""},
        bad_value{"MAX_CONNECTIONS_PER_USER", "-1",
                  "config: MAX_CONNECTIONS_PER_USER: expected an integer from 1 to 1000000, got "
                  "\"-1\""},
        bad_value{"PING_INTERVAL_MS", "1.5",
                  "config: PING_INTERVAL_MS: expected milliseconds from 1 to 86400000, got "
                  "\"1.5\""},
        bad_value{"PING_TIMEOUT_MS", "0",
                  "config: PING_TIMEOUT_MS: expected milliseconds from 1 to 86400000, got "
                  "\"0\""},
        bad_value{"CONNECT_TIMEOUT_MS", "x",
                  "config: CONNECT_TIMEOUT_MS: expected milliseconds from 1 to 86400000, got "
                  "\"x\""},
        bad_value{"MAX_PAYLOAD_BYTES", "1e6",
                  "config: MAX_PAYLOAD_BYTES: expected an integer from 1 to 2147483648, got "
                  "\"1e6\""},
        bad_value{"RECOVERY_WINDOW_MS", "86400001",
                  "config: RECOVERY_WINDOW_MS: expected milliseconds from 0 (off) to 86400000, "
                  "got \"86400001\""},
        bad_value{"RECOVERY_WINDOW_MS", "-1",
                  "config: RECOVERY_WINDOW_MS: expected milliseconds from 0 (off) to 86400000, "
                  "got \"-1\""},
        bad_value{"MAX_GROUP_SIZE", "1",
                  "config: MAX_GROUP_SIZE: expected an integer from 2 to 1000000, got \"1\""},
        bad_value{"MAX_BODY_BYTES", "0",
                  "config: MAX_BODY_BYTES: expected an integer from 1 to 2147483648, got \"0\""},
        bad_value{"LOG_LEVEL", "loud",
                  "config: LOG_LEVEL: expected trace, debug, info, warn, error or off, got "
                  "\"loud\""},
        bad_value{"LOG_FORMAT", "xml", "config: LOG_FORMAT: expected text or json, got \"xml\""},
        bad_value{"CHATGATE_DEV", "maybe",
                  "config: CHATGATE_DEV: expected true or false, got \"maybe\""}));

TEST(config, bad_flag_value_names_the_setting) {
  auto out = run{}({"serve", "--rate-limit", "abc"});
  EXPECT_EQ(out.error, "config: RATE_LIMIT: expected N/<duration> like 30/10s, got \"abc\"");
}

TEST(config, unknown_flag_is_an_error) {
  auto out = run{}({"--no-such-flag"});
  EXPECT_NE(out.error.find("config: "), std::string::npos);
  EXPECT_NE(out.error.find("no-such-flag"), std::string::npos);
}

TEST(config, serve_needs_a_key_unless_dev) {
  run r;
  r.env.clear();
  auto out = r({});
  EXPECT_EQ(out.error.rfind("config: JWT_SECRET: ", 0), 0u);
  EXPECT_EQ(r({"--dev"}).error, "");
  r.env["JWT_PUBLIC_KEY"] = "/some.pem";
  EXPECT_EQ(r({}).error, "");
}

TEST(config, token_subcommand) {
  auto out = run{}({"token", "--user", "alice", "--ttl", "15m"});
  ASSERT_EQ(out.error, "");
  EXPECT_EQ(out.cmd, command::token);
  EXPECT_EQ(out.token_user, "alice");
  EXPECT_EQ(out.token_ttl, 900s);
  EXPECT_EQ(run{}({"token", "--user", "bob"}).token_ttl, 3600s);
  EXPECT_NE(run{}({"token"}).error, "");  // --user is required
  EXPECT_EQ(run{}({"token", "--user", "a", "--ttl", "soon"}).error,
            "config: --ttl: expected a duration like 15m, 1h or 7d, got \"soon\"");
  run no_secret;
  no_secret.env.clear();
  EXPECT_EQ(no_secret({"token", "--user", "a"}).error.rfind("config: JWT_SECRET: ", 0), 0u);
}

TEST(config, help_lists_every_row_of_the_table) {
  auto out = run{}({"--help"});
  EXPECT_EQ(out.cmd, command::help);
  for (const auto& s : settings()) {
    EXPECT_NE(out.help_text.find(std::string(s.flag)), std::string::npos) << s.flag;
    EXPECT_NE(out.help_text.find(std::string(s.env) + " (" + std::string(s.flag) + ", default \"" +
                                 std::string(s.fallback) + "\")"),
              std::string::npos)
        << s.env;
  }
}

// The table's default text, parsed, is the struct's default: no second default.
TEST(config, recovery_window_from_zero_to_a_day) {
  for (const auto& [text, value] : {std::pair{"0", 0ms}, std::pair{"86400000", 86'400'000ms}}) {
    run r;
    r.env = {{"JWT_SECRET", "x"}, {"RECOVERY_WINDOW_MS", text}};
    auto out = r({"serve"});
    EXPECT_EQ(out.error, "") << text;
    EXPECT_EQ(out.cfg.recovery_window, value) << text;
  }
}

TEST(config, table_defaults_are_the_config_defaults) {
  for (const auto& s : settings()) {
    if (s.fallback.empty()) continue;  // unset
    config c;
    ASSERT_EQ(s.apply(c, s.fallback), std::nullopt) << s.env;
    EXPECT_TRUE(c == config{}) << s.env << " default \"" << s.fallback << "\" differs";
  }
}

std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::stringstream in(row.substr(1));
  std::string cell;
  while (std::getline(in, cell, '|')) {
    std::string clean;
    for (char ch : cell)
      if (ch != '`') clean += ch;
    while (!clean.empty() && clean.front() == ' ') clean.erase(0, 1);
    while (!clean.empty() && clean.back() == ' ') clean.pop_back();
    out.push_back(clean);
  }
  return out;
}

std::vector<std::string> split_slash(const std::string& cell) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (auto at = cell.find(" / "); at != std::string::npos; at = cell.find(" / ", from)) {
    out.push_back(cell.substr(from, at - from));
    from = at + 3;
  }
  out.push_back(cell.substr(from));
  return out;
}

// README's configuration table: one row per setting (JWT_ISSUER / JWT_AUDIENCE share one),
// the same variable, flag and default as the table ("unset" for an empty default).
TEST(config, readme_table_matches_the_settings_table) {
  std::ifstream readme(CHATGATE_SOURCE_DIR "/README.md");
  ASSERT_TRUE(readme) << "README.md not found";
  std::map<std::string, std::pair<std::string, std::string>> documented;  // env -> flag, default
  std::string line;
  bool in_section = false;
  while (std::getline(readme, line)) {
    if (line.starts_with("## ")) in_section = line == "## Configuration";
    if (!in_section || !line.starts_with("| `")) continue;
    auto c = cells(line);
    ASSERT_GE(c.size(), 3u) << line;
    auto envs = split_slash(c[0]), flags = split_slash(c[1]);
    ASSERT_EQ(envs.size(), flags.size()) << line;
    for (std::size_t i = 0; i < envs.size(); ++i)
      documented[envs[i]] = {flags[i], c[2] == "unset" ? "" : c[2]};
  }
  std::set<std::string> in_table;
  for (const auto& s : settings()) {
    in_table.insert(std::string(s.env));
    auto it = documented.find(std::string(s.env));
    ASSERT_NE(it, documented.end()) << s.env << " is not in README.md's configuration table";
    EXPECT_EQ(it->second.first, s.flag) << s.env;
    EXPECT_EQ(it->second.second, s.fallback) << s.env;
  }
  for (const auto& [env, _] : documented)
    EXPECT_TRUE(in_table.count(env)) << env << " not a setting";
}

TEST(config, redis_url_is_accepted_except_tls) {
  run r;
  EXPECT_EQ(unsupported_setting(r({}).cfg), "");
  r.env["REDIS_URL"] = "redis://localhost:6379";
  auto out = r({});
  ASSERT_EQ(out.error, "");
  EXPECT_EQ(out.cfg.redis_url, "redis://localhost:6379");
  EXPECT_EQ(unsupported_setting(out.cfg), "");
  r.env.erase("REDIS_URL");
  EXPECT_EQ(
      unsupported_setting(r({"--redis-url", "rediss://r"}).cfg),
      "config: REDIS_URL: rediss:// (TLS) is not supported; use redis:// on a private network");
  r.env["REDIS_URL"] = "";  // empty counts as unset
  EXPECT_EQ(unsupported_setting(r({}).cfg), "");
}

TEST(parse_duration, units_and_limits) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("10"), 10s);
  EXPECT_EQ(parse_duration("5m"), 5min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration("2d"), 48h);
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("0s"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1w"));
  EXPECT_FALSE(parse_duration("s"));
}

TEST(config, web_ui_defaults_on_and_no_web_or_env_turns_it_off) {
  EXPECT_TRUE(run{}({}).cfg.web_ui);
  EXPECT_FALSE(run{}({"serve", "--no-web"}).cfg.web_ui);
  run env_off;
  env_off.env["WEB_UI"] = "false";
  EXPECT_FALSE(env_off({}).cfg.web_ui);
  run env_on;
  env_on.env["WEB_UI"] = "true";
  EXPECT_FALSE(env_on({"--no-web"}).cfg.web_ui);  // the flag wins
  run bad;
  bad.env["WEB_UI"] = "maybe";
  EXPECT_EQ(bad({}).error, "config: WEB_UI: expected true or false, got \"maybe\"");
}

TEST(config, io_uring_defaults_on_and_no_io_uring_or_env_turns_it_off) {
  EXPECT_TRUE(run{}({}).cfg.io_uring);
  EXPECT_FALSE(run{}({"serve", "--no-io-uring"}).cfg.io_uring);
  run env_off;
  env_off.env["IO_URING"] = "0";
  EXPECT_FALSE(env_off({}).cfg.io_uring);
  run bad;
  bad.env["IO_URING"] = "sometimes";
  EXPECT_EQ(bad({}).error, "config: IO_URING: expected true or false, got \"sometimes\"");
}

}  // namespace
