// libFuzzer target: auth::verifier::verify (contract §2) on arbitrary bytes.
//
// Two ways in, both run on every input:
//  1. The input is a token as a client would send it; three verifiers see it: HS256 only,
//     ES256 public key only, and both with issuer/audience/leeway set.
//  2. If the input holds a '\n', the bytes before it are the header JSON and the bytes after it
//     the payload JSON; the target encodes and signs them with the HS256 secret, so the fuzzer
//     reaches claim checking (exp, nbf, iss, aud, user id) that a forged signature never would.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/verifier.hpp"
#include "core/base64.hpp"

using namespace chatgate;

namespace {

constexpr std::string_view secret = "fuzz-secret-0123456789abcdef0123456789";

// Public half of a throwaway P-256 key; seeds/auth_token_fuzz/es256_* are signed with it.
constexpr std::string_view ec_public_pem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECXljf7quy1h6QqlxFcGZy3bkA+r+\n"
    "0nNf/eztpI/g7yRrMc4peEOiMYMiP9d4nLobYlqK/yhw6dM8IU3DvbFk0w==\n"
    "-----END PUBLIC KEY-----\n";

// A fixed "now" (2026-11-25T00:00:00Z) keeps every run reproducible.
const core::sys_time_ms fixed_now{std::chrono::milliseconds{1'795'564'800'000}};

auth::verifier make(auth::settings s) {
  auto v = auth::verifier::create(s);
  if (!v) std::abort();  // a bad built-in setting is a bug in this file
  return std::move(*v);
}

struct verifiers {
  auth::verifier hs256 = make({.secret = std::string(secret)});
  auth::verifier es256 = make({.public_key = std::string(ec_public_pem)});
  auth::verifier both = make({.secret = std::string(secret),
                              .public_key = std::string(ec_public_pem),
                              .issuer = "https://issuer.example",
                              .audience = "chatgate",
                              .leeway = std::chrono::seconds{30}});
};

const verifiers& the_verifiers() {
  static const verifiers v;
  return v;
}

/// A valid result always names a user.
void check(const core::result<auth::identity>& r) {
  if (r && r->user_id.empty()) std::abort();
}

std::string hs256_sign(std::string_view signing_input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &len);
  return core::base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

void verify_as_sent(std::string_view token) {
  const auto& v = the_verifiers();
  auto hs = v.hs256.verify(token, fixed_now);
  auto es = v.es256.verify(token, fixed_now);
  auto both = v.both.verify(token, fixed_now);
  check(hs);
  check(es);
  check(both);
  // Neither key accepts what the other signed: no algorithm confusion.
  if (hs && es) std::abort();
}

void verify_signed(std::string_view header_json, std::string_view payload_json) {
  std::string input = core::base64url_encode(header_json);
  input += '.';
  input += core::base64url_encode(payload_json);
  const std::string token = input + '.' + hs256_sign(input);
  const auto& v = the_verifiers();
  auto hs = v.hs256.verify(token, fixed_now);
  check(hs);
  check(v.both.verify(token, fixed_now));
  // The ES256-only verifier has no secret: an HS256-signed token must never pass it.
  if (v.es256.verify(token, fixed_now)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  verify_as_sent(input);
  const auto newline = input.find('\n');
  if (newline != input.npos) verify_signed(input.substr(0, newline), input.substr(newline + 1));
  return 0;
}
