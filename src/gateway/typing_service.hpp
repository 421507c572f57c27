#pragma once
#include <memory>
#include <optional>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "cluster/connection_map.hpp"
#include "core/clock.hpp"
#include "gateway/typing_owners.hpp"
#include "gateway/typing_state.hpp"
#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::gateway {

/// The typing indicator (contract §8) over typing_state: sends `typing` {conversationId, userId,
/// isTyping} to the conversation room except the typist's own sockets, as a volatile broadcast
/// (not stored, nothing replays it). One timer ends the typings whose 5 s ran out. Lives on the
/// io thread (like the rest of the gateway); the state is this instance's: it covers the typists
/// whose sockets are here.
///
/// Several io threads (set_owners): a user's typing is kept by one thread, its owner
/// (typing_owners); start, stop and a socket's disconnect on another thread are posted there,
/// and is_typing reads the owners' mirror. So a user typing from sockets on two threads is one
/// typist (one throttle), a typing:stop from either socket ends it, and it ends when the user's
/// last socket on any thread is gone. A store event (message:new, participant:removed) runs on
/// every thread: only the owner's run stops the typing.
class typing_service {
 public:
  typing_service(socketio::namespace_& nsp, cluster::connection_map& connections,
                 const core::clock& clock, typing_settings settings = {});
  ~typing_service();
  typing_service(const typing_service&) = delete;
  typing_service& operator=(const typing_service&) = delete;

  /// Several io threads: this is thread `self` of `owners`. Before the threads run.
  void set_owners(std::shared_ptr<typing_owners> owners, std::size_t self);

  /// Whether `user` is typing in `conversation` (so was a participant when that began).
  bool is_typing(std::string_view user, std::string_view conversation) const;
  /// typing:start from a participant (checked by the caller).
  void start(std::string_view user, std::string_view conversation);
  /// typing:stop, a message of `user` in `conversation`, or `user` left it: isTyping:false if
  /// the user was typing there.
  void stop(std::string_view user, std::string_view conversation);
  /// Watches the namespace's sockets: when a user's last socket disconnects, the user's typings
  /// end.
  void bind(socketio::namespace_& nsp);
  /// Ends what timed out by the clock's now and re-arms the timer (the timer calls it; tests
  /// call it after moving their clock).
  void sweep();

 private:
  /// The owner's side of start / stop (the user's state is here).
  void start_here(const std::string& user, const std::string& conversation);
  void stop_here(const std::string& user, const std::string& conversation);
  /// The thread keeping `user`'s typing: npos when it is this one (or there is one thread).
  std::size_t elsewhere(std::string_view user) const;
  /// Tells the mirror (several threads) whether the user types there now.
  void mirror(std::string_view user, std::string_view conversation);
  void emit(std::string_view user, std::string_view conversation, bool is_typing);
  void on_disconnect(const std::string& socket_id, const std::string& user);
  /// Arms the timer for the state's next deadline unless it is already armed as early.
  void schedule();

  socketio::namespace_& nsp_;
  cluster::connection_map& connections_;
  const core::clock& clock_;
  typing_state state_;
  boost::asio::steady_timer timer_;
  std::optional<core::sys_time_ms> armed_for_;  // deadline the timer waits for
  std::shared_ptr<typing_owners> owners_;       // several io threads; null with one
  std::size_t self_ = 0;                        // this thread's index in owners_
  // Held by callbacks (timer, connection map) that may run after this service is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chatgate::gateway
