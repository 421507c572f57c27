#pragma once
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// Seed §4.8 (WsExceptionFilter) with contract §6: every failure of a client event becomes an
/// `error` event {code, message, timestamp, originalEvent} and, when the client asked for an
/// ack, the ack {success: false, error: {code, message}}, so a client never waits on a timeout.
/// Validation details and retryAfterMs ride along in both. An internal error is logged with its
/// context and reaches the client only as "Internal server error".
class error_filter {
 public:
  explicit error_filter(const core::clock& clock) : clock_(clock) {}

  /// What the client may see of `e`: internal details replaced by a generic message.
  static core::error sanitize(core::error e);
  /// The `error` event payload; `original_event` empty: no originalEvent field (connect).
  boost::json::object error_event(const core::error& e, std::string_view original_event) const;
  /// The failure ack {success: false, error: {code, message, ...}}.
  static boost::json::object error_ack(const core::error& e);

  /// Reports `e` for `event` of socket `s`: logs it, emits `error`, answers `ack` if set.
  void report(socketio::socket& s, std::string_view event, const core::error& e,
              const socketio::ack_fn& ack) const;

 private:
  const core::clock& clock_;
};

}  // namespace chatgate::gateway
