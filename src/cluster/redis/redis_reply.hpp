#pragma once
#include <cstdint>
#include <string>
#include <vector>

struct redisReply;

namespace chatgate::cluster::redis {

/// A Redis reply, copied out of hiredis's tree (which is freed when its callback returns).
struct redis_reply {
  enum class kind {
    no_connection,  // never sent, or the connection dropped before the answer came
    nil,
    status,  // +OK
    error,   // -ERR ...
    integer,
    string,
    array,
  };
  kind type = kind::no_connection;
  std::string str;           // status, error and string text
  std::int64_t integer = 0;  // integer
  std::vector<redis_reply> elements;

  /// An answer that is not an error (a nil or an empty array is a fine answer).
  bool ok() const { return type != kind::no_connection && type != kind::error; }
  /// The string elements of an array reply (others skipped).
  std::vector<std::string> strings() const;

  /// Copies hiredis's reply; null (dropped connection) gives kind::no_connection.
  static redis_reply from(const redisReply* r);
  static redis_reply failure(std::string why) {
    redis_reply r;
    r.str = std::move(why);
    return r;
  }
};

}  // namespace chatgate::cluster::redis
