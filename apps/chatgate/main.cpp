// chatgate: parse the configuration once, build the parts, run.
#include <cstdio>
#include <iostream>

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

/// --dev without a key: a throwaway secret, and how to mint tokens for it.
void use_dev_secret(core::config& cfg) {
  cfg.jwt_secret = auth::generate_dev_secret();
  std::cerr << "chatgate: --dev: JWT_SECRET=" << cfg.jwt_secret
            << " (random, valid until this process exits)\n"
            << "chatgate: mint a token with: JWT_SECRET=" << cfg.jwt_secret
            << " chatgate token --user alice [--ttl 1h]\n";
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
      use_dev_secret(cli.cfg);
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
