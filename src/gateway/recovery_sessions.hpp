#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include "auth/verifier.hpp"
#include "gateway/socket_user.hpp"
#include "chat/async_chat.hpp"
#include "gateway/gateway_settings.hpp"
#include "socketio/session_store.hpp"
#include "socketio/socket.hpp"
#include "store/recovery_log.hpp"

namespace chatgate::gateway {

/// The chat side of connection state recovery: the socketio::session_store the Socket.IO server
/// asks on a CONNECT carrying a pid, backed by the store (store::recovery_log) so that a client
/// recovers after a restart and through another instance. A session is opened in the store when
/// an authenticated socket got `connected`, held by that socket (a random owner token in its
/// socket_user), and given the window when the socket drops for a reason after which the client
/// reconnects by itself (Node's list, plus "slow client"); any other disconnect ends it. A
/// restore needs a valid token of the session's user; it replays the logged events after the
/// client's offset of the conversations the user is in now, and joins the user's rooms.
/// io thread only.
class recovery_sessions final : public socketio::session_store {
 public:
  using authenticate_fn =
      std::function<core::result<auth::identity>(const socketio::handshake& hs)>;

  recovery_sessions(boost::asio::any_io_executor ex, chat::async_chat& chat,
                    authenticate_fn authenticate, recovery_settings settings);
  ~recovery_sessions() override;
  recovery_sessions(const recovery_sessions&) = delete;
  recovery_sessions& operator=(const recovery_sessions&) = delete;

  void restore(const socketio::handshake& hs, const std::string& pid,
               const std::optional<std::string>& offset, restore_callback done) override;

  /// `s` (authenticated as `user`, its socket_user set) is connected: it holds its session now.
  void opened(socketio::socket& s, const std::string& user);
  /// `s` left for `reason`.
  void closed(socketio::socket& s, std::string_view reason);
  /// Starts the periodic prune.
  void start();

  /// Disconnect reasons after which the official client reconnects by itself.
  static bool recoverable(std::string_view reason);
  /// A client's offset: a decimal number > 0, else nullopt.
  static std::optional<std::int64_t> parse_offset(std::string_view text);
  /// The event as the client gets it live: payload, then the offset; nullopt for an event name
  /// this build does not replay.
  static std::optional<socketio::missed_event> to_missed(const store::recovery_event& e);

 private:
  void schedule_prune();

  chat::async_chat& chat_;
  authenticate_fn authenticate_;
  recovery_settings settings_;
  boost::asio::steady_timer prune_timer_;
  // Held by store callbacks that may run after this object is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chatgate::gateway
