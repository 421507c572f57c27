#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <array>

#include "engineio/settings.hpp"
#include "engineio/socket.hpp"
#include "engineio/timer_queue.hpp"
#include "engineio/transport.hpp"

namespace chatgate::engineio {

/// One Engine.IO session: heartbeat, outgoing queue, upgrade and close, over an abstract
/// transport (so it is tested with a fake one). States: open -> closing -> closed; `upgrading`
/// is a flag while a websocket probe runs beside the polling transport.
class session final : public socket,
                      public transport_events,
                      public std::enable_shared_from_this<session> {
 public:
  enum class state { open, closing, closed };
  /// Called once when the session ends (the server forgets it then).
  using closed_hook = std::function<void(session&, std::string_view reason)>;

  /// `timers` (the server's one timer queue) carries every deadline of the session; its handler
  /// must call on_deadline (see timer_handler()).
  session(timer_queue& timers, std::string id, handshake_info handshake, const settings& config,
          closed_hook on_closed);

  /// The handler a timer_queue of sessions runs for each due entry.
  static void on_due(const std::shared_ptr<void>& owner, std::uint32_t slot,
                     timer_queue::time_point deadline);

  /// Sends the open packet over `first` and starts the heartbeat.
  void start(std::shared_ptr<transport> first);
  /// A websocket connected with this session's sid: probe, then switch on the upgrade packet.
  void begin_upgrade(std::shared_ptr<transport> probe);
  /// Ends the session now with `reason`, after handing the transport whatever it can take.
  void terminate(std::string_view reason);

  /// Closes the session with "ping timeout" if its pong deadline has passed, even if the timer
  /// has not run yet (a loaded loop runs timers late); true if the session is closed.
  bool enforce_deadline();

  state current_state() const { return state_; }
  bool upgrading() const { return probe_ != nullptr; }
  bool upgraded() const { return upgraded_; }
  const std::shared_ptr<transport>& current_transport() const { return transport_; }
  std::size_t queued_bytes() const { return queued_bytes_; }

  // socket
  const std::string& id() const override { return id_; }
  const handshake_info& handshake() const override { return handshake_; }
  /// Shares ownership of the session: the handshake is a member, not a block of its own
  /// (issue 10), so a Socket.IO socket that keeps its handshake keeps the session object.
  std::shared_ptr<const handshake_info> shared_handshake() const override {
    return std::shared_ptr<const handshake_info>(shared_from_this(), &handshake_);
  }
  std::string_view transport_name() const override;
  void send_text(shared_bytes data) override;
  void send_binary(shared_bytes data) override;
  void close() override;

  // transport_events
  void on_transport_packet(transport& from, packet&& p) override;
  void on_transport_ready(transport& from) override;
  void on_transport_error(transport& from, std::string_view reason) override;
  void on_transport_close(transport& from) override;

 private:
  void enqueue(outgoing_packet p);
  void flush();
  void on_packet(packet&& p);
  void on_probe_packet(packet&& p);
  void complete_upgrade();
  void abort_upgrade();
  void schedule_ping();
  void finish(std::string_view reason);

  /// The session's deadlines, each an entry of the server's timer queue while armed.
  enum class deadline : std::uint32_t { ping, pong, upgrade, check, close, count };
  void arm(deadline d, std::chrono::milliseconds after);
  void disarm(deadline d) {
    deadlines_[static_cast<std::size_t>(d)] = timer_queue::time_point::max();
  }
  bool armed(deadline d) const {
    return deadlines_[static_cast<std::size_t>(d)] != timer_queue::time_point::max();
  }
  void on_deadline(deadline d);

  std::string id_;
  handshake_info handshake_;  // shared with the Socket.IO sockets (shared_handshake())
  const settings& config_;
  closed_hook on_closed_;
  state state_ = state::open;
  std::shared_ptr<transport> transport_;
  std::shared_ptr<transport> probe_;
  bool upgraded_ = false;
  bool probed_ = false;  // the probe was answered: release every GET with a noop
  // Not a std::deque: libstdc++ allocates ~600 bytes for an empty one, per session; a vector
  // allocates only while packets wait.
  std::vector<outgoing_packet> queue_;
  std::size_t queued_bytes_ = 0;
  timer_queue& timers_;
  // ping: next ping; pong: pong deadline after a ping; upgrade: upgrade deadline; check: repeats
  // the noop that releases a held GET; close: closing, waits for a GET to carry the close.
  // time_point::max() when not armed. Not one asio timer each: five of those cost ~0.6 KiB.
  std::array<timer_queue::time_point, static_cast<std::size_t>(deadline::count)> deadlines_;
};

}  // namespace chatgate::engineio
