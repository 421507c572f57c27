#include "cluster/redis/redis_rate_limit.hpp"

#include <boost/asio/post.hpp>

namespace chatgate::cluster::redis {

namespace {

// Times are in ticks of 1/limit ms, as in chat::rate_limiter, so that window/limit is exact: one
// send costs `window` ticks and the burst fits `limit * window` ticks ahead of now. Lua numbers
// are doubles, exact up to 2^53: time counts from 2023-11-14 (1.7e12 ms after the epoch), so that
// now times the limit stays exact for limits up to ~50000 until 2029 (past that, ticks round to a
// few units: a few ten-thousandths of a millisecond, no matter for the verdict).
//
// KEYS: the user's key. ARGV: limit, window (ms). Returns 0 when the send is counted, else the
// milliseconds until one would pass (> 0), counting nothing.
constexpr std::string_view consume_script = R"lua(
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = ((tonumber(t[1]) - 1700000000) * 1000 + math.floor(tonumber(t[2]) / 1000)) * limit
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nxt = tat + window
local burst = window * limit
if nxt - now <= burst then
  redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX', math.ceil((nxt - now) / limit) + 1)
  return 0
end
return math.ceil((nxt - burst - now) / limit)
)lua";

// KEYS: the user's key. ARGV: window (ms). Moves the time back by one send, keeping the expiry.
constexpr std::string_view refund_script = R"lua(
local tat = redis.call('GET', KEYS[1])
if tat then
  redis.call('SET', KEYS[1], string.format('%.0f', tonumber(tat) - tonumber(ARGV[1])), 'KEEPTTL')
end
return 0
)lua";

}  // namespace

redis_rate_limit::redis_rate_limit(std::shared_ptr<pubsub_transport> conn,
                                   redis_rate_limit_settings settings)
    : conn_(std::move(conn)), settings_(std::move(settings)) {}

void redis_rate_limit::consume(std::string user_id, std::function<void(verdict)> done) {
  if (settings_.limit <= 0) {
    return boost::asio::post(conn_->get_executor(), [done = std::move(done)] {
      done({verdict::kind::allowed, 0});
    });
  }
  std::vector<std::string> argv{"EVAL",
                                std::string(consume_script),
                                "1",
                                settings_.key_prefix + user_id,
                                std::to_string(settings_.limit),
                                std::to_string(settings_.window.count())};
  boost::asio::post(conn_->get_executor(),
                    [conn = conn_, argv = std::move(argv), done = std::move(done)]() mutable {
                      conn->command(std::move(argv), [done = std::move(done)](redis_reply r) {
                        if (r.type != redis_reply::kind::integer)
                          return done({verdict::kind::unavailable, 0});
                        if (r.integer == 0) return done({verdict::kind::allowed, 0});
                        done({verdict::kind::refused, r.integer});
                      });
                    });
}

void redis_rate_limit::refund(std::string user_id) {
  if (settings_.limit <= 0) return;
  std::vector<std::string> argv{"EVAL", std::string(refund_script), "1",
                                settings_.key_prefix + user_id,
                                std::to_string(settings_.window.count())};
  boost::asio::post(conn_->get_executor(), [conn = conn_, argv = std::move(argv)]() mutable {
    conn->command(std::move(argv), [](redis_reply) {});  // lost with Redis: the key expires
  });
}

}  // namespace chatgate::cluster::redis
