#pragma once
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace chatgate::auth {

/// The signature algorithms chatgate accepts (contract §2).
enum class algorithm { hs256, rs256, es256 };

/// "HS256", "RS256", "ES256": the JOSE `alg` names.
std::string_view to_string(algorithm alg) noexcept;

/// A verification key and the one algorithm it may be used with.
struct public_key {
  std::string pem;  // SubjectPublicKeyInfo PEM ("-----BEGIN PUBLIC KEY-----")
  algorithm alg = algorithm::rs256;
};

/// `value` is PEM text when it starts with "-----BEGIN", else the path of a PEM file. An RSA key
/// means RS256, an EC P-256 key ES256; anything else is an error naming the problem.
core::result<public_key> load_public_key(std::string_view value);

}  // namespace chatgate::auth
