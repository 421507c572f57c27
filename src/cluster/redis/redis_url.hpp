#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace chatgate::cluster::redis {

/// Where and how to reach Redis, parsed from REDIS_URL:
/// `redis://[[user]:password@]host[:port][/db]`. `rediss://` (TLS) is refused: hiredis 0.14 (Debian
/// 12) has no TLS.
struct redis_endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  std::string user;      // AUTH user (Redis 6 ACL); empty: AUTH with the password only
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECT db when not 0
};

/// Parses REDIS_URL; the error is one line naming what is wrong (without the password).
boost::system::result<redis_endpoint, std::string> parse_redis_url(std::string_view url);

}  // namespace chatgate::cluster::redis
