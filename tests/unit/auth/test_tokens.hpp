#pragma once
#include <string>

#include <jwt.h>

namespace chatgate::auth::testing {

/// A key pair made at test time, as PEM text.
struct key_pair {
  std::string private_pem;
  std::string public_pem;
};

key_pair make_rsa_key();
/// `curve` as OpenSSL names it: "P-256", "P-384".
key_pair make_ec_key(const char* curve = "P-256");

/// A token signed by libjwt with `alg` and `key` (secret or private PEM), claims as JSON text.
std::string sign(jwt_alg_t alg, const std::string& key, const std::string& claims_json);

/// An ES256 token signed with OpenSSL directly in the JOSE R||S form, as identity providers
/// send them (independent of libjwt's signing code).
std::string sign_es256_openssl(const std::string& private_pem, const std::string& claims_json);

/// An HS256 token with exactly the given header JSON (e.g. another `typ`), signed with OpenSSL.
std::string sign_hs256_raw(const std::string& header_json, const std::string& claims_json,
                           const std::string& secret);

/// header.payload. with the given header JSON and an empty signature.
std::string unsigned_token(const std::string& header_json, const std::string& claims_json);

}  // namespace chatgate::auth::testing
