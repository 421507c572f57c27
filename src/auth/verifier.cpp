#include "auth/verifier.hpp"

#include <algorithm>

#include <jwt.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "auth/jwks_keys.hpp"
#include "core/base64.hpp"

namespace chatgate::auth {
namespace {

core::error refuse(std::string reason) {
  return core::make_error(core::error_code::unauthorized, "Invalid token: " + std::move(reason));
}

/// The JSON object inside one base64url part of the token, or nullopt.
std::optional<boost::json::object> decode_object(std::string_view part) {
  auto bytes = core::base64url_decode(part);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(*bytes, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

/// A NumericDate claim (seconds, possibly fractional) or nullopt when absent; error when not a
/// number, since an unreadable `exp` must not count as "no expiry".
core::result<std::optional<double>> numeric_date(const boost::json::object& claims,
                                                 std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<double>{};
  if (!it->value().is_number()) return refuse("'" + std::string(name) + "' is not a number");
  return std::optional<double>{it->value().to_number<double>()};
}

bool audience_matches(const boost::json::value& aud, std::string_view wanted) {
  if (aud.is_string()) return aud.as_string() == wanted;
  if (!aud.is_array()) return false;
  for (const auto& entry : aud.as_array())
    if (entry.is_string() && entry.as_string() == wanted) return true;
  return false;
}

std::string string_claim(const boost::json::object& claims, std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

/// Claim `roles`: an array's string items, or a lone string; anything else is no role.
std::vector<std::string> roles_claim(const boost::json::object& claims) {
  std::vector<std::string> out;
  auto it = claims.find("roles");
  if (it == claims.end()) return out;
  if (const auto* s = it->value().if_string()) out.emplace_back(*s);
  if (const auto* a = it->value().if_array())
    for (const auto& v : *a)
      if (const auto* s = v.if_string()) out.emplace_back(*s);
  return out;
}

}  // namespace

verifier::verifier(settings s, std::optional<signature_checker> hs256,
                   std::optional<signature_checker> key)
    : settings_(std::move(s)), hs256_(std::move(hs256)), key_(std::move(key)) {}

core::result<verifier> verifier::create(const settings& s) {
  if (s.secret.empty() && s.public_key.empty() && !s.jwks)
    return core::make_error(core::error_code::internal_error,
                            "JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL must be set");
  if (s.leeway.count() < 0)
    return core::make_error(core::error_code::internal_error, "JWT leeway must not be negative");
  std::optional<signature_checker> hs256, key;
  if (!s.secret.empty()) hs256 = signature_checker::hmac_sha256(s.secret);
  if (!s.public_key.empty()) {
    auto loaded = load_public_key(s.public_key);
    if (!loaded) return loaded.error();
    auto checker = signature_checker::for_key(*loaded);
    if (!checker) return checker.error();
    key = std::move(*checker);
  }
  return verifier(s, std::move(hs256), std::move(key));
}

core::result<identity> verifier::verify(std::string_view token) const {
  return verify(token, core::clock{}.now());
}

core::result<identity> verifier::verify(std::string_view token, core::sys_time_ms now) const {
  if (token.empty()) return refuse("missing");
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == token.npos ? token.npos : token.find('.', dot1 + 1);
  if (dot2 == token.npos || token.find('.', dot2 + 1) != token.npos)
    return refuse("not a JWS compact token");
  if (dot2 + 1 == token.size()) return refuse("unsigned");
  // The header names the algorithm, but only a configured one picks a key: `none`, and HS256
  // against a public key, never reach a signature check.
  auto checker = check_header(token.substr(0, dot1));
  if (!checker) return checker.error();
  auto signature = core::base64url_decode(token.substr(dot2 + 1));
  if (!signature || !(*checker)->verify(token.substr(0, dot2), *signature))
    return refuse("bad signature");
  return check_claims(token.substr(dot1 + 1, dot2 - dot1 - 1), now);
}

core::result<std::shared_ptr<const signature_checker>> verifier::check_header(
    std::string_view header_b64) const {
  auto header = decode_object(header_b64);
  if (!header) return refuse("malformed header");
  auto it = header->find("alg");
  if (it == header->end() || !it->value().is_string()) return refuse("header has no 'alg'");
  const std::string_view alg = it->value().as_string();
  // Members are not owned by the pointer (aliasing with no owner): they live as long as this.
  auto member = [](const signature_checker& c) {
    return std::shared_ptr<const signature_checker>(std::shared_ptr<void>(), &c);
  };
  if (hs256_ && alg == to_string(hs256_->alg())) return member(*hs256_);
  const auto* kid = header->if_contains("kid");
  if (settings_.jwks && kid && (alg == "RS256" || alg == "ES256")) {
    if (!kid->is_string()) return refuse("kid is not a string");
    auto found = settings_.jwks->find(kid->as_string());
    if (!found) {
      // Answered now; a refresh of the document runs in the background (at most every 30 s).
      settings_.jwks->report_unknown_kid();
      return refuse("unknown kid");
    }
    if (alg != to_string(found->alg())) return refuse("alg does not match the key of this kid");
    return found;
  }
  if (key_ && alg == to_string(key_->alg())) return member(*key_);
  return refuse("algorithm '" + std::string(alg) + "' is not accepted");
}

core::result<identity> verifier::check_claims(std::string_view payload_b64,
                                              core::sys_time_ms now) const {
  auto claims = decode_object(payload_b64);
  if (!claims) return refuse("malformed payload");
  // As jsonwebtoken does: whole seconds, expired once now >= exp, not yet valid while now < nbf.
  const auto now_s =
      static_cast<double>(std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count());
  const auto leeway = static_cast<double>(settings_.leeway.count());
  auto exp = numeric_date(*claims, "exp");
  if (!exp) return exp.error();
  if (*exp && now_s >= **exp + leeway) return refuse("expired");
  auto nbf = numeric_date(*claims, "nbf");
  if (!nbf) return nbf.error();
  if (*nbf && **nbf > now_s + leeway) return refuse("not valid yet (nbf)");
  if (!settings_.issuer.empty() && string_claim(*claims, "iss") != settings_.issuer)
    return refuse("wrong issuer");
  if (!settings_.audience.empty()) {
    auto aud = claims->find("aud");
    if (aud == claims->end() || !audience_matches(aud->value(), settings_.audience))
      return refuse("wrong audience");
  }
  identity who{string_claim(*claims, "externalUserId"), std::nullopt};
  if (*exp) {
    who.expires_at = core::sys_time_ms(std::chrono::milliseconds(
        static_cast<long long>(std::min(**exp, 253402300799.0) * 1000)));  // at most 9999-12-31
  }
  if (who.user_id.empty()) who.user_id = string_claim(*claims, "sub");
  if (who.user_id.empty()) return refuse("no user id (externalUserId or sub)");
  who.roles = roles_claim(*claims);
  return who;
}

}  // namespace chatgate::auth
