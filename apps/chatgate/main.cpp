// chatgate: parse the configuration once, build the parts, run.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "app.hpp"
#include "auth/minter.hpp"
#include "core/config.hpp"
#include "core/logging.hpp"

namespace {

using namespace chatgate;

int mint_token(const core::cli& cli) {
  auth::minter minter(
      auth::settings{cli.cfg.jwt_secret, "", cli.cfg.jwt_issuer, cli.cfg.jwt_audience, {}});
  std::cout << minter.mint(cli.token_user, cli.token_ttl) << '\n';
  return 0;
}

/// This binary as a shell can run it from the current directory: a relative path when the
/// binary lies below it (scripts/run.sh starts ./build/release/... from the repository root),
/// else the absolute path.
std::string self_command(const char* argv0) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) self = fs::absolute(argv0, ec);
  auto relative = fs::proximate(self, fs::current_path(ec), ec);
  if (!ec && !relative.empty() && *relative.begin() != "..") return "./" + relative.string();
  return self.string();
}

/// --dev without a key: a throwaway secret, and the exact command that mints a token for it.
void use_dev_secret(core::config& cfg, const char* argv0) {
  cfg.jwt_secret = auth::generate_dev_secret();
  std::cerr << "chatgate: --dev: JWT_SECRET=" << cfg.jwt_secret
            << " (random, valid until this process exits)\n"
            << "chatgate: mint a token with: JWT_SECRET=" << cfg.jwt_secret << ' '
            << self_command(argv0) << " token --user alice --ttl 1h\n";
  if (!cfg.web_ui) return;
  // Links that sign the web client in (the token rides in the fragment: never sent to a server).
  auth::minter minter(auth::settings{cfg.jwt_secret, "", cfg.jwt_issuer, cfg.jwt_audience, {}});
  for (const auto* user : {"alice", "bob"})
    std::cerr << "chatgate: web client as " << user << ": http://localhost:" << cfg.http_port
              << "/#token=" << minter.mint(user, std::chrono::hours(24)) << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  auto cli = core::parse_command_line(argc, argv);
  if (!cli.error.empty()) {
    std::cerr << cli.error << '\n';
    return 2;
  }
  if (cli.cmd == core::command::help) {
    std::cout << cli.help_text;
    return 0;
  }
  if (cli.cmd == core::command::serve) {
    if (auto refused = core::unsupported_setting(cli.cfg); !refused.empty()) {
      std::cerr << refused << '\n';
      return 2;
    }
  }
  try {
    if (cli.cmd == core::command::token) return mint_token(cli);
    core::init_logging(cli.cfg.log);
    if (cli.cfg.dev && cli.cfg.jwt_secret.empty() && cli.cfg.jwt_public_key.empty() &&
        cli.cfg.jwt_jwks_url.empty())
      use_dev_secret(cli.cfg, argv[0]);
    app::app server(std::move(cli.cfg));
    return server.run();
  } catch (const app::startup_error& e) {
    std::cerr << e.what() << '\n';
    return e.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "chatgate: " << e.what() << '\n';
    return 1;
  }
}
