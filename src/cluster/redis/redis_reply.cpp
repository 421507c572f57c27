#include "cluster/redis/redis_reply.hpp"

#include <hiredis/hiredis.h>

namespace chatgate::cluster::redis {

std::vector<std::string> redis_reply::strings() const {
  std::vector<std::string> out;
  out.reserve(elements.size());
  for (const auto& e : elements)
    if (e.type == kind::string || e.type == kind::status) out.push_back(e.str);
  return out;
}

redis_reply redis_reply::from(const redisReply* r) {
  redis_reply out;
  if (!r) return failure("connection lost");
  switch (r->type) {
    case REDIS_REPLY_NIL:
      out.type = kind::nil;
      break;
    case REDIS_REPLY_STATUS:
      out.type = kind::status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = kind::error;
      break;
    case REDIS_REPLY_INTEGER:
      out.type = kind::integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = kind::string;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = kind::array;
      break;
    default:
      return failure("unknown reply type");
  }
  if (r->type == REDIS_REPLY_INTEGER) out.integer = r->integer;
  if (r->str) out.str.assign(r->str, r->len);
  if (r->type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(r->elements);
    for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(from(r->element[i]));
  }
  return out;
}

}  // namespace chatgate::cluster::redis
