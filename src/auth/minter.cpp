#include "auth/minter.hpp"

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include <jwt.h>
#include <openssl/rand.h>

namespace chatgate::auth {
namespace {

using jwt_ptr = std::unique_ptr<jwt_t, decltype(&jwt_free)>;

void check(int rc, const char* what) {
  if (rc != 0) throw std::runtime_error(std::string("jwt: ") + what + " failed");
}

}  // namespace

minter::minter(settings s) : settings_(std::move(s)) {
  if (settings_.secret.empty()) throw std::invalid_argument("minting tokens needs JWT_SECRET");
}

std::string minter::mint(std::string_view user_id, std::chrono::seconds ttl) const {
  return mint(user_id, ttl, core::clock{}.now());
}

std::string minter::mint(std::string_view user_id, std::chrono::seconds ttl,
                         core::sys_time_ms now) const {
  jwt_t* raw = nullptr;
  check(jwt_new(&raw), "jwt_new");
  jwt_ptr token(raw, &jwt_free);
  const long iat = static_cast<long>(now.time_since_epoch().count() / 1000);
  check(jwt_add_grant(token.get(), "sub", std::string(user_id).c_str()), "sub");
  check(jwt_add_grant_int(token.get(), "iat", iat), "iat");
  check(jwt_add_grant_int(token.get(), "exp", iat + static_cast<long>(ttl.count())), "exp");
  if (!settings_.issuer.empty())
    check(jwt_add_grant(token.get(), "iss", settings_.issuer.c_str()), "iss");
  if (!settings_.audience.empty())
    check(jwt_add_grant(token.get(), "aud", settings_.audience.c_str()), "aud");
  check(jwt_set_alg(token.get(), JWT_ALG_HS256,
                    reinterpret_cast<const unsigned char*>(settings_.secret.data()),
                    static_cast<int>(settings_.secret.size())),
        "jwt_set_alg");
  // libjwt 1.10 hands back malloc'd text (jwt_free_str came later).
  std::unique_ptr<char, decltype(&std::free)> text(jwt_encode_str(token.get()), &std::free);
  if (!text) throw std::runtime_error("jwt: encoding failed");
  return std::string(text.get());
}

std::string generate_dev_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : bytes) {
    hex.push_back(digits[b >> 4]);
    hex.push_back(digits[b & 0xf]);
  }
  return hex;
}

}  // namespace chatgate::auth
