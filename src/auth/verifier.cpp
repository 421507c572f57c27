#include "auth/verifier.hpp"

#include <cmath>
#include <memory>

#include <jwt.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "auth/base64url.hpp"

namespace chatgate::auth {
namespace {

core::error refuse(std::string reason) {
  return core::make_error(core::error_code::unauthorized, "Invalid token: " + std::move(reason));
}

/// The JSON object inside one base64url part of the token, or nullopt.
std::optional<boost::json::object> decode_object(std::string_view part) {
  auto bytes = base64url_decode(part);
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

}  // namespace

verifier::verifier(settings s, std::optional<public_key> key)
    : settings_(std::move(s)), key_(std::move(key)) {}

core::result<verifier> verifier::create(const settings& s) {
  if (s.secret.empty() && s.public_key.empty())
    return core::make_error(core::error_code::internal_error,
                            "JWT_SECRET or JWT_PUBLIC_KEY must be set");
  if (s.leeway.count() < 0)
    return core::make_error(core::error_code::internal_error, "JWT leeway must not be negative");
  std::optional<public_key> key;
  if (!s.public_key.empty()) {
    auto loaded = load_public_key(s.public_key);
    if (!loaded) return loaded.error();
    key = std::move(*loaded);
  }
  return verifier(s, std::move(key));
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
  // The header decides which algorithm libjwt runs, so it is checked here, before libjwt sees it.
  auto alg = check_header(token.substr(0, dot1));
  if (!alg) return alg.error();
  if (auto sig = check_signature(std::string(token), *alg); !sig) return sig.error();
  return check_claims(token.substr(dot1 + 1, dot2 - dot1 - 1), now);
}

core::result<algorithm> verifier::check_header(std::string_view header_b64) const {
  auto header = decode_object(header_b64);
  if (!header) return refuse("malformed header");
  auto it = header->find("alg");
  if (it == header->end() || !it->value().is_string()) return refuse("header has no 'alg'");
  const std::string_view alg = it->value().as_string();
  if (alg == "HS256" && !settings_.secret.empty()) return algorithm::hs256;
  if (key_ && alg == to_string(key_->alg)) return key_->alg;
  return refuse("algorithm '" + std::string(alg) + "' is not accepted");
}

core::result<void> verifier::check_signature(const std::string& token, algorithm alg) const {
  const std::string& key = alg == algorithm::hs256 ? settings_.secret : key_->pem;
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                            static_cast<int>(key.size()));
  std::unique_ptr<jwt_t, decltype(&jwt_free)> decoded(raw, &jwt_free);
  if (rc != 0 || !decoded) return refuse("bad signature");
  // Belt and braces: the algorithm libjwt actually checked must be the one we chose.
  if (std::string_view(jwt_alg_str(jwt_get_alg(decoded.get()))) != to_string(alg))
    return refuse("algorithm mismatch");
  return {};
}

core::result<identity> verifier::check_claims(std::string_view payload_b64,
                                              core::sys_time_ms now) const {
  auto claims = decode_object(payload_b64);
  if (!claims) return refuse("malformed payload");
  // As jsonwebtoken does: whole seconds, expired once now >= exp, not yet valid while now < nbf.
  const auto now_s = static_cast<double>(now.time_since_epoch().count() / 1000);
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
  identity who{string_claim(*claims, "externalUserId")};
  if (who.user_id.empty()) who.user_id = string_claim(*claims, "sub");
  if (who.user_id.empty()) return refuse("no user id (externalUserId or sub)");
  return who;
}

}  // namespace chatgate::auth
