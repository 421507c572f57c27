#include "client.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace chatgate::loadgen {

namespace json = boost::json;
using tcp = boost::asio::ip::tcp;

double now_ms() {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
  return static_cast<double>(ns.count()) / 1e6;
}

client::client(boost::asio::io_context& io, tally& t, std::string token, std::string conversation,
               bool sender, double phase_ms)
    : socket_(io),
      tally_(t),
      token_(std::move(token)),
      conversation_(std::move(conversation)),
      sender_(sender),
      phase_ms_(phase_ms),
      mask_state_(static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(this) >> 4) | 1u) {}

namespace {

constexpr std::size_t initial_buffer = 4096;  // grown when one frame needs more
constexpr std::size_t min_read = 2048;        // free space asked of the buffer before a read

}  // namespace

void client::start(const tcp::endpoint& to, const std::string& host, connected_fn done) {
  done_ = std::move(done);
  socket_.async_connect(to, [self = shared_from_this(), host](boost::system::error_code ec) {
    if (ec) return self->fail("connect: " + ec.message());
    self->socket_.set_option(tcp::no_delay(true));
    // No Sec-WebSocket-Extensions: permessage-deflate stays off, as the official client's default.
    auto request = std::make_shared<std::string>(
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: " + host +
        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    boost::asio::async_write(self->socket_, boost::asio::buffer(*request),
                             [self, request](boost::system::error_code ec2, std::size_t) {
                               if (ec2) return self->fail("handshake: " + ec2.message());
                               self->read();
                             });
  });
}

void client::read() {
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
  if (in_.size() - in_end_ < min_read) {
    // Move the unparsed tail to the front; grow when that does not free enough.
    std::copy(in_.begin() + static_cast<std::ptrdiff_t>(in_begin_),
              in_.begin() + static_cast<std::ptrdiff_t>(in_end_), in_.begin());
    in_end_ -= in_begin_;
    in_begin_ = 0;
    if (in_.size() - in_end_ < min_read) in_.resize(std::max(initial_buffer, in_.size() * 2));
  }
  socket_.async_read_some(boost::asio::buffer(in_.data() + in_end_, in_.size() - in_end_),
                          [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                            if (ec) return self->fail("read: " + ec.message());
                            if (!self->upgraded_) return self->on_http(n);
                            self->in_end_ += n;
                            if (self->on_bytes()) self->read();
                          });
}

void client::on_http(std::size_t n) {
  in_end_ += n;
  const std::string_view got(in_.data() + in_begin_, in_end_ - in_begin_);
  const auto end = got.find("\r\n\r\n");
  if (end == got.npos) {
    if (got.size() > 16 * 1024) return fail("handshake: answer too long");
    return read();
  }
  if (!got.starts_with("HTTP/1.1 101"))
    return fail("handshake: " + std::string(got.substr(0, got.find('\r'))));
  upgraded_ = true;
  in_begin_ += end + 4;  // what follows is frames (the Engine.IO open packet, often)
  if (on_bytes()) read();
}

bool client::on_bytes() {
  while (true) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(in_.data() + in_begin_);
    const std::size_t avail = in_end_ - in_begin_;
    if (avail < 2) return true;
    const bool fin = (p[0] & 0x80) != 0;
    const std::uint8_t opcode = p[0] & 0x0f;
    if ((p[1] & 0x80) != 0) {
      fail("a masked frame from the server");
      return false;
    }
    std::size_t header = 2;
    std::uint64_t len = p[1] & 0x7f;
    if (len == 126) {
      if (avail < 4) return true;
      len = (std::uint64_t{p[2]} << 8) | p[3];
      header = 4;
    } else if (len == 127) {
      if (avail < 10) return true;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      header = 10;
    }
    if (len > (64u << 20)) {
      fail("a frame over 64 MiB");
      return false;
    }
    if (avail < header + len) {
      // Make room for the whole frame so the next reads complete it.
      const std::size_t need = header + static_cast<std::size_t>(len) + min_read;
      if (in_.size() - in_begin_ < need) {
        std::copy(in_.begin() + static_cast<std::ptrdiff_t>(in_begin_),
                  in_.begin() + static_cast<std::ptrdiff_t>(in_end_), in_.begin());
        in_end_ -= in_begin_;
        in_begin_ = 0;
        if (in_.size() < need) in_.resize(need);
      }
      return true;
    }
    const std::string_view payload(in_.data() + in_begin_ + header, static_cast<std::size_t>(len));
    in_begin_ += header + static_cast<std::size_t>(len);
    switch (opcode) {
      case 0x1:  // text
        if (fin) {
          on_frame(payload);
        } else {
          fragments_.assign(payload);
        }
        break;
      case 0x0:  // continuation
        fragments_.append(payload);
        if (fin) {
          const std::string whole = std::move(fragments_);
          fragments_.clear();
          on_frame(whole);
        }
        break;
      case 0x8:
        fail("closed by the server (websocket close)");
        return false;
      case 0x9:
        write(payload, 0xA);  // pong with the ping's data
        break;
      default:  // binary, pong: not used by these servers' events
        break;
    }
  }
}

void client::on_frame(std::string_view frame) {
  if (frame.empty()) return;
  switch (frame[0]) {
    case '0':  // Engine.IO open: connect to the main namespace with the token
      return write("40{\"token\":\"" + token_ + "\"}");
    case '2':  // ping
      return write("3");
    case '4':
      return on_socketio(frame.substr(1));
    case '1':
      return fail("closed by the server");
    default:
      return;
  }
}

void client::on_socketio(std::string_view p) {
  if (p.empty()) return;
  const char type = p[0];
  p.remove_prefix(1);
  if (type == '4') return fail("connect_error " + std::string(p));
  if (type != '2' && type != '3') return;  // '0' (connect ok): the gateway's event follows
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), id);
  const bool has_id = ec == std::errc() && end != p.data();
  p.remove_prefix(static_cast<std::size_t>(end - p.data()));
  // message:new is nearly every packet a generator reads (97k/s at half rate): its two fields
  // are found without building a JSON document, which cost the generator about a core.
  if (type == '2' && !has_id && p.starts_with(message_new_prefix)) return on_message_new(p);
  boost::system::error_code perr;
  const json::value v = json::parse(p, perr);
  if (perr || !v.is_array()) return fail("unparsable packet");
  if (type == '3' && has_id) return on_ack(id, v);
  on_event(v);
}

void client::on_event(const json::value& v) {
  const auto& a = v.as_array();
  if (a.empty() || !a[0].is_string()) return;
  const auto& name = a[0].get_string();
  if (name == "connected" && !connected_) {
    connected_ = true;
    if (auto done = std::move(done_)) done(true, {});
    return;
  }
  if (name == "error") {
    ++tally_.error_events;
    if (tally_.first_error.empty()) tally_.first_error = json::serialize(v);
  }
}

namespace {

/// The text after `"key":` in `json` (the first such key; the payloads the servers send have
/// each of these once), empty when absent.
std::string_view after_key(std::string_view json, std::string_view quoted_key_colon) {
  const auto at = json.find(quoted_key_colon);
  return at == json.npos ? std::string_view{} : json.substr(at + quoted_key_colon.size());
}

}  // namespace

void client::on_message_new(std::string_view packet) {
  if (!tally_.recording) return;
  const double at = now_ms();
  ++tally_.delivered;
  // metadata.benchT: the send time as a string ("benchT":"12345.6789").
  if (auto t = after_key(packet, "\"benchT\":\""); !t.empty()) {
    double sent = 0;
    if (std::from_chars(t.data(), t.data() + t.size(), sent).ec == std::errc())
      (sender_ ? tally_.sender_latency : tally_.latency).push_back(at - sent);
  }
  const auto s = after_key(packet, "\"seq\":");
  std::int64_t seq = -1;
  if (s.empty() || std::from_chars(s.data(), s.data() + s.size(), seq).ec != std::errc() || seq < 0)
    return;
  const auto n = static_cast<std::size_t>(seq);
  if (seen_.size() <= n) seen_.resize(std::max<std::size_t>(1024, n * 2), 0);
  if (seen_[n]) ++tally_.duplicates;
  if (seen_[n] < 255) ++seen_[n];
}

void client::on_ack(std::uint64_t id, const json::value& v) {
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;
  const double t0 = it->second;
  pending_.erase(it);
  --in_flight_;
  const auto& a = v.as_array();
  const auto* body = a.empty() || !a[0].is_object() ? nullptr : &a[0].get_object();
  const auto* ok = body ? body->if_contains("success") : nullptr;
  const auto* msg = body ? body->if_contains("message") : nullptr;
  if (ok && ok->is_bool() && ok->get_bool() && msg && msg->is_object()) {
    ++tally_.acked;
    tally_.ack_latency.push_back(now_ms() - t0);
    if (const auto* seq = msg->get_object().if_contains("seq"); seq && seq->is_int64())
      tally_.acked_seqs[conversation_].push_back(seq->get_int64());
  } else {
    ++tally_.ack_failed;
    if (tally_.first_error.empty()) tally_.first_error = json::serialize(v);
  }
  if (closed_loop_ && !tally_.stopping) send_one();
}

void client::start_sending(int window, const std::string& content) {
  content_ = content;
  closed_loop_ = true;
  for (int i = 0; i < window; ++i) send_one();
}

void client::send_now(int n, const std::string& content) {
  if (content_.empty()) content_ = content;
  for (int i = 0; i < n; ++i) send_one();
}

void client::send_one() {
  const auto id = next_id_++;
  const double t0 = now_ms();
  pending_.emplace(id, t0);
  ++in_flight_;
  ++tally_.sent;
  char stamp[64];
  const auto r = std::to_chars(stamp, stamp + sizeof stamp, t0, std::chars_format::fixed, 4);
  write("42" + std::to_string(id) + "[\"message:send\",{\"conversationId\":\"" + conversation_ +
        "\",\"content\":\"" + content_ + "\",\"metadata\":{\"benchT\":\"" +
        std::string(stamp, r.ptr) + "\",\"benchN\":" + std::to_string(id) + "}}]");
}

void client::write(std::string_view payload, std::uint8_t opcode) {
  // Client frames are masked (RFC 6455 5.3): FIN + opcode, length, a 4-byte key, payload ^ key.
  std::string frame;
  frame.reserve(payload.size() + 14);
  frame.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    frame.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    frame.push_back(static_cast<char>(0x80 | 126));
    frame.push_back(static_cast<char>(n >> 8));
    frame.push_back(static_cast<char>(n & 0xff));
  } else {
    frame.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i)
      frame.push_back(static_cast<char>((std::uint64_t{n} >> (8 * i)) & 0xff));
  }
  mask_state_ ^= mask_state_ << 13;
  mask_state_ ^= mask_state_ >> 17;
  mask_state_ ^= mask_state_ << 5;
  char key[4];
  for (int i = 0; i < 4; ++i) key[i] = static_cast<char>((mask_state_ >> (8 * i)) & 0xff);
  frame.append(key, 4);
  const std::size_t at = frame.size();
  frame.append(payload);
  for (std::size_t i = 0; i < n; ++i) frame[at + i] = static_cast<char>(frame[at + i] ^ key[i & 3]);
  out_.push_back(std::move(frame));
  if (!writing_) write_front();
}

void client::write_front() {
  writing_ = true;
  boost::asio::async_write(socket_, boost::asio::buffer(out_.front()),
                           [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                             self->out_.pop_front();
                             self->writing_ = false;
                             if (ec) return self->fail("write: " + ec.message());
                             if (!self->out_.empty()) self->write_front();
                           });
}

void client::fail(const std::string& why) {
  if (auto done = std::move(done_)) return done(false, why);
  if (connected_ && !tally_.stopping) {
    ++tally_.disconnects;
    if (tally_.first_error.empty()) tally_.first_error = why;
  }
  connected_ = false;
}

}  // namespace chatgate::loadgen
