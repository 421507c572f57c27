#include "cluster/redis/redis_url.hpp"

#include <charconv>

namespace chatgate::cluster::redis {

namespace {

/// %XX decoding of the user-info part (passwords may hold reserved characters).
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    unsigned v = 0;
    if (i + 2 >= in.size()) return false;
    auto r = std::from_chars(in.data() + i + 1, in.data() + i + 3, v, 16);
    if (r.ec != std::errc{} || r.ptr != in.data() + i + 3) return false;
    out += static_cast<char>(v);
    i += 2;
  }
  return true;
}

template <class T>
bool to_number(std::string_view s, T& v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

using url_result = boost::system::result<redis_endpoint, std::string>;

url_result fail(std::string why) {
  return url_result(boost::system::in_place_error, std::move(why));
}

}  // namespace

boost::system::result<redis_endpoint, std::string> parse_redis_url(std::string_view url) {
  constexpr std::string_view scheme = "redis://";
  if (url.starts_with("rediss://")) return fail("rediss:// (TLS) is not supported");
  if (!url.starts_with(scheme)) return fail("expected redis://[user:password@]host[:port][/db]");
  auto rest = url.substr(scheme.size());
  redis_endpoint ep;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    auto db = rest.substr(slash + 1);
    if (!db.empty() && (!to_number(db, ep.db) || ep.db < 0))
      return fail("the database after '/' must be a number");
    rest = rest.substr(0, slash);
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    auto info = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = info.find(':');
    bool ok = colon == std::string_view::npos
                  ? percent_decode(info, ep.password)
                  : percent_decode(info.substr(0, colon), ep.user) &&
                        percent_decode(info.substr(colon + 1), ep.password);
    if (!ok) return fail("bad %-escape in the user or password");
  }
  std::string_view host = rest;
  if (!rest.empty() && rest.front() == '[') {  // [ipv6]:port
    auto close = rest.find(']');
    if (close == std::string_view::npos) return fail("unclosed '[' in the host");
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() &&
        (rest.front() != ':' || !to_number(rest.substr(1), ep.port) || ep.port == 0))
      return fail("bad port");
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    if (!to_number(rest.substr(colon + 1), ep.port) || ep.port == 0) return fail("bad port");
  }
  if (host.empty()) return fail("missing host");
  ep.host = std::string(host);
  return ep;
}

}  // namespace chatgate::cluster::redis
