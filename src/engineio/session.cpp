#include "engineio/session.hpp"

#include <iterator>

#include <boost/asio/post.hpp>

namespace chatgate::engineio {

namespace {

constexpr auto upgrade_check_period = std::chrono::milliseconds(100);  // Node's check interval

}  // namespace

session::session(timer_queue& timers, std::string id, handshake_info handshake,
                 const settings& config, closed_hook on_closed)
    : id_(std::move(id)),
      handshake_(std::move(handshake)),
      config_(config),
      on_closed_(std::move(on_closed)),
      timers_(timers) {
  deadlines_.fill(timer_queue::time_point::max());
  id_.shrink_to_fit();  // kept for the session's life: no spare capacity from its encoding
}

void session::on_due(const std::shared_ptr<void>& owner, std::uint32_t slot,
                     timer_queue::time_point at) {
  auto& s = *static_cast<session*>(owner.get());
  if (slot >= s.deadlines_.size() || s.deadlines_[slot] != at) return;  // cancelled or re-armed
  s.deadlines_[slot] = timer_queue::time_point::max();
  if (s.state_ == state::closed) return;
  s.on_deadline(static_cast<deadline>(slot));
}

void session::arm(deadline d, std::chrono::milliseconds after) {
  const auto at = timers_.now() + after;
  deadlines_[static_cast<std::size_t>(d)] = at;
  timers_.schedule(weak_from_this(), static_cast<std::uint32_t>(d), at);
}

void session::on_deadline(deadline d) {
  auto self = shared_from_this();
  switch (d) {
    case deadline::ping:
      if (state_ != state::open) return;
      // The pong deadline runs from the moment the ping is queued, whether or not a GET is
      // waiting to carry it: a client that stopped polling times out all the same.
      arm(deadline::pong, config_.ping_timeout);
      enqueue(make_packet(packet_type::ping));
      return flush();
    case deadline::pong:
      return finish("ping timeout");
    case deadline::upgrade:
      return abort_upgrade();
    case deadline::check:
      if (transport_ && transport_->name() == "polling" && transport_->writable()) {
        transport_->send({make_packet(packet_type::noop)});
      }
      return arm(deadline::check, upgrade_check_period);
    case deadline::close:
      return finish("forced close");
    case deadline::count:
      return;
  }
}

void session::start(std::shared_ptr<transport> first) {
  auto self = shared_from_this();
  transport_ = std::move(first);
  transport_->set_events(this);
  const bool offer_upgrade =
      transport_->name() == "polling" && config_.allow_upgrades && config_.allow_websocket;
  std::string open = "{\"sid\":\"" + id_ + "\",\"upgrades\":[";
  if (offer_upgrade) open += "\"websocket\"";
  open += "],\"pingInterval\":" + std::to_string(config_.ping_interval.count()) +
          ",\"pingTimeout\":" + std::to_string(config_.ping_timeout.count()) +
          ",\"maxPayload\":" + std::to_string(config_.max_payload) + "}";
  enqueue(make_packet(packet_type::open, std::move(open)));
  flush();
  schedule_ping();
}

std::string_view session::transport_name() const {
  return transport_ ? transport_->name() : std::string_view("polling");
}

void session::send_text(shared_bytes data) {
  auto self = shared_from_this();
  enqueue(outgoing_packet{packet_type::message, std::move(data), false});
  flush();
}

void session::send_binary(shared_bytes data) {
  auto self = shared_from_this();
  enqueue(outgoing_packet{packet_type::message, std::move(data), true});
  flush();
}

void session::close() {
  if (state_ != state::open) return;
  auto self = shared_from_this();
  state_ = state::closing;
  arm(deadline::close, config_.close_timeout);
  flush();
}

void session::terminate(std::string_view reason) {
  if (state_ == state::closed) return;
  auto self = shared_from_this();
  flush();
  finish(reason);
}

bool session::enforce_deadline() {
  if (state_ == state::closed) return true;
  if (armed(deadline::pong) &&
      timers_.now() >= deadlines_[static_cast<std::size_t>(deadline::pong)]) {
    auto self = shared_from_this();
    finish("ping timeout");
    return true;
  }
  return false;
}

void session::enqueue(outgoing_packet p) {
  if (state_ != state::open) return;  // as Node: nothing is queued once closing
  // The limit is on the backlog: a client that keeps up (nothing waiting) gets a packet larger
  // than the whole limit too (a messages:sync ack of 100 long messages is megabytes).
  if (queued_bytes_ > 0 && queued_bytes_ + p.size() > config_.max_queued_bytes) {
    return finish("slow client");
  }
  queued_bytes_ += p.size();
  queue_.push_back(std::move(p));
}

void session::flush() {
  if (state_ == state::closed || !transport_ || !transport_->writable()) return;
  if (queue_.empty()) {
    if (state_ == state::closing) finish("forced close");
    return;
  }
  const bool polling = transport_->name() == "polling";
  std::vector<outgoing_packet> batch;
  std::size_t bytes = 0;
  // Polling: one response carries at most max_payload bytes (at least one packet); the rest
  // waits for the next GET. Websocket: everything, written back to back.
  std::size_t taken = 0;
  while (taken < queue_.size() &&
         (!polling || taken == 0 || bytes + queue_[taken].size() <= config_.max_payload)) {
    bytes += queue_[taken++].size();
  }
  if (taken == queue_.size()) {
    batch.swap(queue_);  // the session keeps no buffer while nothing is queued
  } else {
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(taken)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(taken));
  }
  queued_bytes_ -= bytes;
  const bool last = state_ == state::closing && queue_.empty();
  if (last && polling) batch.push_back(make_packet(packet_type::close));
  transport_->send(std::move(batch));
  if (last) finish("forced close");
}

void session::on_transport_packet(transport& from, packet&& p) {
  auto self = shared_from_this();
  if (&from == probe_.get()) return on_probe_packet(std::move(p));
  if (&from == transport_.get()) on_packet(std::move(p));
}

void session::on_transport_ready(transport& from) {
  auto self = shared_from_this();
  if (&from != transport_.get()) return;
  flush();
  // A GET that arrives after the probe is released at once rather than at the next check.
  if (probed_ && transport_ && transport_->writable()) {
    transport_->send({make_packet(packet_type::noop)});
  }
}

void session::on_transport_error(transport& from, std::string_view reason) {
  auto self = shared_from_this();
  if (&from == probe_.get()) return abort_upgrade();
  if (&from == transport_.get()) finish(reason);
}

void session::on_transport_close(transport& from) {
  auto self = shared_from_this();
  if (&from == probe_.get()) return abort_upgrade();
  if (&from == transport_.get()) finish("transport close");
}

void session::on_packet(packet&& p) {
  if (state_ != state::open) return;  // Node ignores packets once closing
  switch (p.type) {
    case packet_type::ping:  // protocol 4: only the server pings
      return finish("transport error");
    case packet_type::pong:
      disarm(deadline::pong);
      return schedule_ping();
    case packet_type::message:
      if (p.binary) {
        if (on_binary) on_binary(p.data);
      } else if (on_text) {
        on_text(p.data);
      }
      return;
    case packet_type::close:  // a websocket client leaving (polling handles it in the transport)
      return finish("transport close");
    default:
      return;  // open, upgrade and noop mean nothing here
  }
}

void session::schedule_ping() {
  arm(deadline::ping, config_.ping_interval);
}

void session::begin_upgrade(std::shared_ptr<transport> probe) {
  if (state_ != state::open || probe_ || upgraded_) return probe->close();
  probe_ = std::move(probe);
  probe_->set_events(this);
  arm(deadline::upgrade, config_.upgrade_timeout);
}

void session::on_probe_packet(packet&& p) {
  if (p.type == packet_type::ping && p.data == "probe") {
    if (probe_->writable()) probe_->send({make_packet(packet_type::pong, "probe")});
    probed_ = true;
    // Release a held GET so that the client can pause polling and send the upgrade packet
    // (now, then at every check until the upgrade ends).
    if (transport_ && transport_->name() == "polling" && transport_->writable()) {
      transport_->send({make_packet(packet_type::noop)});
    }
    arm(deadline::check, upgrade_check_period);
    return;
  }
  if (p.type == packet_type::upgrade && state_ != state::closed) return complete_upgrade();
  abort_upgrade();
}

void session::complete_upgrade() {
  probed_ = false;
  disarm(deadline::upgrade);
  disarm(deadline::check);
  transport_->set_events(nullptr);
  transport_->discard();
  transport_ = std::move(probe_);
  probe_.reset();
  upgraded_ = true;
  flush();
}

void session::abort_upgrade() {
  probed_ = false;
  disarm(deadline::upgrade);
  disarm(deadline::check);
  if (!probe_) return;
  auto probe = std::move(probe_);
  probe_.reset();
  probe->set_events(nullptr);
  probe->close();
}

void session::finish(std::string_view reason) {
  if (state_ == state::closed) return;
  auto self = shared_from_this();
  state_ = state::closed;
  deadlines_.fill(timer_queue::time_point::max());
  std::vector<outgoing_packet>().swap(queue_);
  queued_bytes_ = 0;
  abort_upgrade();
  if (transport_) {
    transport_->set_events(nullptr);
    // A slow client is not reading what it was sent: a graceful close would wait behind it.
    if (reason == "slow client") {
      transport_->abort();
    } else {
      transport_->close();
    }
  }
  const std::string why(reason);  // `reason` may live in something the callbacks destroy
  if (on_close) on_close(why);
  if (on_closed_) on_closed_(*this, why);
  // The callbacks may capture this socket: drop them, but not from inside one of them.
  boost::asio::post(timers_.executor(), [self] {
    self->on_text = nullptr;
    self->on_binary = nullptr;
    self->on_close = nullptr;
  });
}

}  // namespace chatgate::engineio
