#pragma once
// Lua scripts of redis_connection_map (run with EVAL: atomic on the Redis server).
//
// Keys (the seed's three, plus two per instance for the sweep of dead instances):
//   ws:connections:{userId}      set   socket ids of the user (all instances)
//   ws:socket:{socketId}         hash  userId, connectedAt (ISO), instance; 24 h TTL
//   ws:online                    set   user ids with at least one socket
//   ws:instances                 zset  instance id -> last heartbeat (Redis TIME, ms)
//   ws:instance:{id}:sockets     set   "socketId\nuserId" of what that instance registered
// The scripts name keys they build themselves (the sweep), so they need a single Redis server,
// not Redis Cluster.
#include <string_view>

namespace chatgate::cluster::redis::scripts {

/// KEYS: connections, socket, online, instance set. ARGV: sid, user, connectedAt, instance,
/// ttl seconds, limit (0: none). Returns the user's count including this socket, or, when the
/// user already holds `limit` other sockets, -(count + 1) without registering anything.
inline constexpr std::string_view register_socket = R"lua(
local limit = tonumber(ARGV[6])
if limit > 0 and redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then
  local n = redis.call('SCARD', KEYS[1])
  if n >= limit then return -(n + 1) end
end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'userId', ARGV[2], 'connectedAt', ARGV[3], 'instance', ARGV[4])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[1] .. '\n' .. ARGV[2])
-- An instance killed before its first heartbeat must still be swept: registering lists it.
local t = redis.call('TIME')
redis.call('ZADD', 'ws:instances', 'NX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[4])
return redis.call('SCARD', KEYS[1])
)lua";

/// KEYS: connections, socket, online, instance set. ARGV: sid, user, instance. Removes the
/// socket unless another instance holds it now (recovered there with the same id); returns the
/// user's remaining count.
inline constexpr std::string_view remove_socket = R"lua(
redis.call('SREM', KEYS[4], ARGV[1] .. '\n' .. ARGV[2])
local owner = redis.call('HGET', KEYS[2], 'instance')
if owner and owner ~= ARGV[3] then return redis.call('SCARD', KEYS[1]) end
redis.call('SREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
local n = redis.call('SCARD', KEYS[1])
if n == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
return n
)lua";

/// KEYS: ws:instances. ARGV: instance, stale ms. Records the heartbeat, then sweeps every
/// instance silent for `stale` ms: removes the sockets it registered (unless held by another
/// instance now) and forgets it. Returns {1 if this instance was known before, users now offline}.
inline constexpr std::string_view heartbeat_and_sweep = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local known = redis.call('ZSCORE', KEYS[1], ARGV[1]) and 1 or 0
redis.call('ZADD', KEYS[1], now, ARGV[1])
local offline = {}
for _, inst in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))) do
  local set = 'ws:instance:' .. inst .. ':sockets'
  for _, m in ipairs(redis.call('SMEMBERS', set)) do
    local nl = string.find(m, '\n', 1, true)
    if nl then
      local sid, user = string.sub(m, 1, nl - 1), string.sub(m, nl + 1)
      local skey = 'ws:socket:' .. sid
      local owner = redis.call('HGET', skey, 'instance')
      if not owner or owner == inst then
        redis.call('DEL', skey)
        local ckey = 'ws:connections:' .. user
        if redis.call('SREM', ckey, sid) == 1 and redis.call('SCARD', ckey) == 0 then
          redis.call('SREM', 'ws:online', user)
          table.insert(offline, user)
        end
      end
    end
  end
  redis.call('DEL', set)
  redis.call('ZREM', KEYS[1], inst)
end
return {known, offline}
)lua";

}  // namespace chatgate::cluster::redis::scripts
