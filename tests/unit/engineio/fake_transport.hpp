#pragma once
// A transport with no I/O: records what the session sends and lets a test play the client.
#include <string>
#include <vector>

#include "engineio/payload.hpp"
#include "engineio/transport.hpp"

namespace chatgate::engineio::testing {

class fake_transport final : public transport {
 public:
  explicit fake_transport(std::string name, bool writable = true)
      : name_(std::move(name)), writable_(writable) {}

  std::string_view name() const override { return name_; }
  bool writable() const override { return writable_ && !closed; }
  void send(std::vector<outgoing_packet> packets) override {
    payload_writer w;
    for (const auto& p : packets) w.add(p.type, p.view(), p.binary);
    sent.push_back(w.take());
    if (name_ == "polling") writable_ = false;  // the held GET was answered
  }
  void close() override { closed = true; }
  void abort() override {
    aborted = true;
    closed = true;
  }
  void discard() override {
    discarded = true;
    closed = true;
  }

  /// The client: a packet arrives / a GET arrives / an error / the peer leaves.
  void deliver(packet p) { events_->on_transport_packet(*this, std::move(p)); }
  void deliver_text(std::string_view text) { deliver(*decode_packet(text)); }
  void get() {
    writable_ = true;
    events_->on_transport_ready(*this);
  }
  void fail(std::string_view reason) { events_->on_transport_error(*this, reason); }
  void peer_closed() { events_->on_transport_close(*this); }
  bool attached() const { return events_ != nullptr; }
  /// A write that does not finish (the peer stopped reading): not writable from now on.
  void stall() { writable_ = false; }

  std::vector<std::string> sent;  // one entry per send(), in payload form
  bool closed = false;
  bool discarded = false;
  bool aborted = false;

 private:
  std::string name_;
  bool writable_;
};

}  // namespace chatgate::engineio::testing
