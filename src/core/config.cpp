// Command line and environment -> core::config, with CLI11 for the flags.
#include "core/config.hpp"

#include <cstdlib>
#include <map>

#include <CLI/CLI.hpp>

namespace chatgate::core {

namespace {

std::string line(std::string_view name, const std::string& message) {
  return "config: " + std::string(name) + ": " + message;
}

/// Applies one raw value; empty means unset (keeps the default).
std::optional<std::string> apply(const setting& s, config& c, const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (auto expected = s.apply(c, value)) return line(s.env, *expected);
  return std::nullopt;
}

std::string footer() {
  std::string out = "\nEvery flag is also an environment variable (the flag wins):\n";
  for (const auto& s : settings())
    out += "  " + std::string(s.env) + " (" + std::string(s.flag) + ", default \"" +
           std::string(s.fallback) + "\"): " + std::string(s.help) + "\n";
  return out;
}

/// Errors that depend on several settings.
std::string check_combination(const cli& out) {
  const auto& c = out.cfg;
  if (out.cmd == command::token && c.jwt_secret.empty())
    return line("JWT_SECRET", "chatgate token signs with JWT_SECRET, which is not set");
  if (out.cmd == command::serve && c.jwt_secret.empty() && c.jwt_public_key.empty() &&
      c.jwt_jwks_url.empty() && !c.dev)
    return line("JWT_SECRET",
                "neither JWT_SECRET, JWT_PUBLIC_KEY nor JWT_JWKS_URL is set (use --dev for a "
                "throwaway secret)");
  if (c.ping_timeout < std::chrono::milliseconds(1))
    return line("PING_TIMEOUT_MS", "must be positive");
  return {};
}

}  // namespace

std::optional<std::string> process_env(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

std::string unsupported_setting(const config& c) {
  // The parser takes rediss:// too, but Debian 12's hiredis (0.14) has no TLS: refuse it at start
  // rather than connect in clear text.
  if (c.redis_url.starts_with("rediss://"))
    return line("REDIS_URL", "rediss:// (TLS) is not supported; use redis:// on a private network");
  return {};
}

cli parse_command_line(int argc, const char* const* argv, const env_lookup& env) {
  cli out;
  CLI::App app{"chatgate: a Socket.IO-compatible chat server", "chatgate"};
  app.footer(footer());
  app.require_subcommand(0, 1);
  auto* serve = app.add_subcommand("serve", "run the server (the default)")->fallthrough();
  auto* token = app.add_subcommand("token", "print a token signed with JWT_SECRET")->fallthrough();
  token->add_option("--user", out.token_user, "user id (claim sub)")->required();
  std::string ttl = "1h";
  token->add_option("--ttl", ttl, "lifetime, e.g. 15m, 1h, 7d")->capture_default_str();

  const auto& table = settings();
  std::vector<std::string> flag_values(table.size());
  std::vector<CLI::Option*> options(table.size());
  // Boolean settings take a bare flag: "--dev" sets true, "--no-..." sets false.
  auto is_switch = [](std::string_view flag) {
    return flag == "--dev" || flag.starts_with("--no-");
  };
  std::vector<int> switches(table.size(), 0);
  for (std::size_t i = 0; i < table.size(); ++i) {
    std::string help = std::string(table[i].help) + " [" + std::string(table[i].env) + "]";
    options[i] = is_switch(table[i].flag)
                     ? app.add_flag(std::string(table[i].flag), switches[i], help)
                     : app.add_option(std::string(table[i].flag), flag_values[i], help);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    out.cmd = command::help;
    out.help_text = app.help();
    return out;
  } catch (const CLI::ParseError& e) {
    out.error = std::string("config: ") + e.what() + " (see chatgate --help)";
    return out;
  }
  out.cmd = token->parsed() ? command::token : command::serve;
  (void)serve;

  // Environment first, then flags: the flag wins.
  for (std::size_t i = 0; i < table.size(); ++i)
    if (auto v = env(table[i].env))
      if (auto err = apply(table[i], out.cfg, *v)) return out.error = *err, out;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (options[i]->count() == 0) continue;
    auto value = !is_switch(table[i].flag)  ? flag_values[i]
                 : table[i].flag == "--dev" ? std::string("true")
                                            : std::string("false");
    if (value.empty())
      return out.error = line(table[i].env, "empty value for " + std::string(table[i].flag)), out;
    if (auto err = apply(table[i], out.cfg, value)) return out.error = *err, out;
  }
  if (out.cmd == command::token) {
    auto d = parse_duration(ttl);
    if (!d || *d < std::chrono::seconds(1))
      return out.error =
                 "config: --ttl: expected a duration like 15m, 1h or 7d, got \"" + ttl + "\"",
             out;
    out.token_ttl = std::chrono::duration_cast<std::chrono::seconds>(*d);
  }
  out.error = check_combination(out);
  return out;
}

}  // namespace chatgate::core
