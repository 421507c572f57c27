#pragma once
#include <string_view>
#include <vector>

#include "engineio/outgoing_packet.hpp"
#include "engineio/packet.hpp"

namespace chatgate::engineio {

class transport;

/// What a transport reports to its session (all on the io thread).
class transport_events {
 public:
  virtual void on_transport_packet(transport& from, packet&& p) = 0;
  /// The transport can take a send() now (a GET arrived, or a websocket write finished).
  virtual void on_transport_ready(transport& from) = 0;
  /// reason: "transport error" or "parse error" (Node's close reasons).
  virtual void on_transport_error(transport& from, std::string_view reason) = 0;
  /// The peer closed the transport (websocket closed, or a close packet was received).
  virtual void on_transport_close(transport& from) = 0;

 protected:
  ~transport_events() = default;
};

/// The I/O half of a session: polling or websocket. The session decides what to send and when.
class transport {
 public:
  virtual ~transport() = default;
  /// "polling" or "websocket".
  virtual std::string_view name() const = 0;
  /// Whether send() may be called now.
  virtual bool writable() const = 0;
  /// Polling: answers the held GET with one payload. Websocket: writes one frame per packet, back
  /// to back, and reports ready when all are written.
  virtual void send(std::vector<outgoing_packet> packets) = 0;
  /// Server-side close. Polling: a held GET gets the close packet. Websocket: close frame after
  /// the writes in flight. No events fire afterwards.
  virtual void close() = 0;
  /// Upgrade completed elsewhere: polling releases a held GET with a noop, then closes.
  virtual void discard() { close(); }
  /// Drops the connection now, unsent data included: for a peer that does not read, whose
  /// close frame would wait behind that data forever. No events fire afterwards.
  virtual void abort() { close(); }

  void set_events(transport_events* events) { events_ = events; }

 protected:
  transport_events* events_ = nullptr;
};

}  // namespace chatgate::engineio
