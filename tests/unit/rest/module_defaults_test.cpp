// Every module's settings struct starts from the same defaults as the settings table
// (core::config): a module built without the app (tests, tools) behaves like the server.
#include <gtest/gtest.h>

#include "chat/chat_service.hpp"
#include "chat/rate_limiter.hpp"
#include "core/config.hpp"
#include "engineio/settings.hpp"
#include "gateway/gateway_settings.hpp"
#include "http/listener_settings.hpp"
#include "rest/router.hpp"
#include "socketio/settings.hpp"
#include "store/worker_pool.hpp"

namespace chatgate {
namespace {

const core::config defaults{};

TEST(module_defaults, engineio) {
  engineio::settings s;
  EXPECT_EQ(s.ping_interval, defaults.ping_interval);
  EXPECT_EQ(s.ping_timeout, defaults.ping_timeout);
  EXPECT_EQ(s.max_payload, defaults.max_payload_bytes);
  EXPECT_EQ(s.handshake_timeout, defaults.ws_handshake_timeout);
  EXPECT_EQ(s.allowed_origins, defaults.allowed_origins);
  EXPECT_EQ(s.handshake_limit.limit, defaults.connect_rate_limit);
  EXPECT_EQ(s.handshake_limit.window, defaults.connect_rate_window);
  EXPECT_EQ(s.max_unauthenticated, defaults.max_unauthenticated_sessions);
  EXPECT_EQ(s.upgrade_timeout, defaults.upgrade_timeout);
  EXPECT_EQ(s.close_timeout, defaults.close_timeout);
  EXPECT_EQ(s.max_queued_bytes, defaults.max_queued_bytes);
}

TEST(module_defaults, socketio_gateway_chat) {
  EXPECT_EQ(socketio::settings{}.connect_timeout, defaults.connect_timeout);
  EXPECT_EQ(socketio::settings{}.ack_timeout, defaults.ack_timeout);
  EXPECT_EQ(socketio::settings{}.max_pending_acks, defaults.max_pending_acks);
  EXPECT_EQ(socketio::settings{}.max_attachments, defaults.max_attachments);
  EXPECT_EQ(gateway::gateway_settings{}.max_connections_per_user,
            defaults.max_connections_per_user);
  EXPECT_EQ(chat::chat_settings{}.max_group_size, defaults.max_group_size);
  EXPECT_EQ(chat::rate_limit_settings{}.limit, defaults.rate_limit);
  EXPECT_EQ(chat::rate_limit_settings{}.window, defaults.rate_window);
  EXPECT_EQ(store::worker_settings{}.job_timeout, defaults.store_timeout);
  EXPECT_EQ(store::worker_settings{}.max_batch, defaults.store_group_commit);
}

TEST(module_defaults, http_and_rest) {
  http::listener_settings l;
  EXPECT_EQ(l.max_header_bytes, defaults.max_header_bytes);
  EXPECT_EQ(l.idle_timeout, defaults.http_idle_timeout);
  EXPECT_EQ(l.write_timeout, defaults.http_write_timeout);
  EXPECT_EQ(l.backlog, defaults.listen_backlog);
  EXPECT_EQ(l.header_timeout, defaults.header_timeout);
  rest::router_settings r;
  EXPECT_EQ(r.max_body_bytes, defaults.max_body_bytes);
  EXPECT_EQ(r.allowed_origins, defaults.allowed_origins);
}

}  // namespace
}  // namespace chatgate
