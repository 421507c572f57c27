#include "engineio/transports/websocket_reader.hpp"

#include <algorithm>
#include <cstring>

namespace chatgate::engineio {

namespace {

constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;
constexpr std::size_t max_control = 125;

bool is_control(std::uint8_t opcode) {
  return (opcode & 0x8) != 0;
}

/// Close codes a peer may send (RFC 6455 §7.4; 1012/1013 registered since, as Beast accepts).
bool valid_close_code(std::uint16_t code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1013) ||
         (code >= 3000 && code <= 4999);
}

}  // namespace

bool valid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = s + text.size();
  while (s < end) {
    // ASCII runs, 8 bytes at a time.
    while (end - s >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s, 8);
      if (word & 0x8080808080808080ull) break;
      s += 8;
    }
    if (s == end) break;
    const unsigned char c = *s;
    if (c < 0x80) {
      ++s;
      continue;
    }
    int extra;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the byte after the lead
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return false;  // continuation byte as lead, overlong C0/C1, F5..FF
    }
    if (end - s <= extra) return false;
    if (s[1] < lo || s[1] > hi) return false;
    for (int i = 2; i <= extra; ++i)
      if ((s[i] & 0xC0) != 0x80) return false;
    s += extra + 1;
  }
  return true;
}

websocket_reader::event websocket_reader::next(std::span<char>& input) {
  if (release_) {
    release_ = false;
    if (held_ && message_ == 0) {
      held_.reset();
    } else if (held_) {
      std::string().swap(held_->control);
    }
  }
  if (failed_) {  // after an error or a close frame the peer's bytes mean nothing
    input = {};
    return {};
  }
  for (;;) {
    if (!in_frame_) {
      bool complete = false;
      if (auto ev = read_header(input, complete); ev.what == kind::error) return ev;
      if (!complete) return {};
    }
    auto ev = is_control(opcode_) ? control_payload(input) : data_payload(input);
    // need_more with the frame done: a fragment was consumed, go on with the next frame.
    if (ev.what != kind::need_more || in_frame_) return ev;
  }
}

websocket_reader::event websocket_reader::read_header(std::span<char>& input, bool& complete) {
  auto take = [&](std::size_t want) {
    const std::size_t n = std::min(want - head_size_, input.size());
    std::memcpy(head_.data() + head_size_, input.data(), n);
    head_size_ = static_cast<std::uint8_t>(head_size_ + n);
    input = input.subspan(n);
    return head_size_ == want;
  };
  if (head_size_ < 2) {
    if (!take(2)) return {};
    // The first two bytes say whether the frame is acceptable at all: fail before its length.
    if (auto ev = check_header(); ev.what == kind::error) return ev;
  }
  const auto len7 = static_cast<std::uint8_t>(head_[1] & 0x7F);
  const std::size_t ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
  if (!take(2 + ext + 4)) return {};
  head_size_ = 0;
  const auto* h = reinterpret_cast<const unsigned char*>(head_.data());
  std::uint64_t length = len7;
  if (ext != 0) {
    length = 0;
    for (std::size_t i = 0; i < ext; ++i) length = (length << 8) | h[2 + i];
    // The shortest encoding only (as Beast), and a 64-bit length has its top bit clear.
    if ((ext == 2 && length < 126) || (ext == 8 && (length < 0x10000 || length >> 63)))
      return fail(close_code::protocol_error);
  }
  std::memcpy(mask_.data(), h + 2 + ext, 4);
  mask_offset_ = 0;
  remaining_ = length;
  in_frame_ = true;
  if (!is_control(opcode_)) {
    if (opcode_ != op_continuation) {
      message_ = opcode_;
      message_size_ = 0;
    }
    if (length > max_message_ - message_size_) return fail(close_code::too_big);
    message_size_ += length;
  }
  complete = true;
  return {};
}

websocket_reader::event websocket_reader::check_header() {
  const auto b0 = static_cast<std::uint8_t>(head_[0]);
  const auto b1 = static_cast<std::uint8_t>(head_[1]);
  fin_ = (b0 & 0x80) != 0;
  opcode_ = b0 & 0x0F;
  if ((b0 & 0x70) != 0) return fail(close_code::protocol_error);  // RSV: no extension
  if ((b1 & 0x80) == 0) return fail(close_code::protocol_error);  // clients must mask
  switch (opcode_) {
    case op_continuation:
      if (message_ == 0) return fail(close_code::protocol_error);  // nothing to continue
      break;
    case op_text:
    case op_binary:
      if (message_ != 0) return fail(close_code::protocol_error);  // previous one unfinished
      break;
    case op_close:
    case op_ping:
    case op_pong:
      if (!fin_ || (b1 & 0x7F) > max_control) return fail(close_code::protocol_error);
      break;
    default:
      return fail(close_code::protocol_error);  // reserved opcode
  }
  return {};
}

void websocket_reader::unmask(char* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) data[i] ^= static_cast<char>(mask_[(mask_offset_ + i) & 3]);
  mask_offset_ = static_cast<std::uint8_t>((mask_offset_ + n) & 3);
}

websocket_reader::held& websocket_reader::hold() {
  if (!held_) held_ = std::make_unique<held>();
  return *held_;
}

websocket_reader::event websocket_reader::control_payload(std::span<char>& input) {
  if ((!held_ || held_->control.empty()) &&
      remaining_ <= input.size()) {  // whole in this read: no copy
    const auto n = static_cast<std::size_t>(remaining_);
    unmask(input.data(), n);
    const std::string_view payload(input.data(), n);
    input = input.subspan(n);
    in_frame_ = false;
    return finish_control(payload);
  }
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
  auto& control = hold().control;
  const std::size_t at = control.size();
  control.append(input.data(), n);
  unmask(control.data() + at, n);
  input = input.subspan(n);
  remaining_ -= n;
  if (remaining_ != 0) return {};
  in_frame_ = false;
  release_ = true;
  return finish_control(control);
}

websocket_reader::event websocket_reader::data_payload(std::span<char>& input) {
  // The whole message is this one frame, in this read: returned in place.
  const bool nothing_held = !held_ || held_->message.empty();
  if (fin_ && nothing_held && message_size_ == remaining_ && remaining_ <= input.size()) {
    const auto n = static_cast<std::size_t>(remaining_);
    unmask(input.data(), n);
    const std::string_view payload(input.data(), n);
    input = input.subspan(n);
    in_frame_ = false;
    return finish_message(payload);
  }
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
  if (n != 0) {
    // The size of the message so far is known (this frame's length included): one allocation
    // for an unfragmented message that spans reads.
    auto& message = hold().message;
    if (message.capacity() < message_size_) message.reserve(message_size_);
    const std::size_t at = message.size();
    message.append(input.data(), n);
    unmask(message.data() + at, n);
    input = input.subspan(n);
    remaining_ -= n;
  }
  if (remaining_ != 0) return {};
  in_frame_ = false;
  if (!fin_) return {};
  release_ = true;
  if (!held_) return finish_message({});  // a fragmented message of empty frames
  return finish_message(held_->message);
}

websocket_reader::event websocket_reader::finish_message(std::string_view payload) {
  const auto what = message_ == op_text ? kind::text : kind::binary;
  message_ = 0;
  message_size_ = 0;
  if (what == kind::text && !valid_utf8(payload)) return fail(close_code::bad_payload);
  return {what, payload, 0};
}

websocket_reader::event websocket_reader::finish_control(std::string_view payload) {
  if (opcode_ == op_ping) return {kind::ping, payload, 0};
  if (opcode_ == op_pong) return {kind::pong, payload, 0};
  // close
  if (payload.empty()) {
    failed_ = true;
    return {kind::close, {}, close_code::no_status};
  }
  if (payload.size() == 1) return fail(close_code::protocol_error);
  const auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                               static_cast<unsigned char>(payload[1]));
  if (!valid_close_code(code)) return fail(close_code::protocol_error);
  const auto reason = payload.substr(2);
  if (!valid_utf8(reason)) return fail(close_code::bad_payload);
  failed_ = true;  // nothing may follow a close frame
  return {kind::close, reason, code};
}

websocket_reader::event websocket_reader::fail(std::uint16_t code) {
  failed_ = true;
  in_frame_ = false;
  head_size_ = 0;
  message_ = 0;
  release_ = true;
  return {kind::error, {}, code};
}

}  // namespace chatgate::engineio
