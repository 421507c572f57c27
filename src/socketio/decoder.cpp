#include "socketio/decoder.hpp"

namespace chatgate::socketio {
namespace {

// socket.io-parser's reconstructPacket check: every placeholder must name a received buffer.
bool placeholders_valid(const boost::json::value& v, std::size_t count) {
  if (const auto* arr = v.if_array()) {
    for (const auto& e : *arr) {
      if (!placeholders_valid(e, count)) return false;
    }
    return true;
  }
  const auto* obj = v.if_object();
  if (!obj) return true;
  const auto* flag = obj->if_contains("_placeholder");
  if (flag && flag->is_bool() && flag->get_bool()) {
    const auto* num = obj->if_contains("num");
    if (!num) return false;
    if (num->is_int64())
      return num->get_int64() >= 0 && static_cast<std::uint64_t>(num->get_int64()) < count;
    if (num->is_uint64()) return num->get_uint64() < count;
    return false;
  }
  for (const auto& kv : *obj) {
    if (!placeholders_valid(kv.value(), count)) return false;
  }
  return true;
}

}  // namespace

decode_result<std::optional<packet>> decoder::add_text(std::string_view text) {
  if (pending_) return decode_error::unexpected_text;
  auto header = decode_text(text, max_attachments_);
  if (!header) return header.error();
  if (header->expected_attachments == 0) return std::optional<packet>(std::move(header->pkt));
  header->pkt.attachments.reserve(header->expected_attachments);
  pending_ = std::make_unique<decoded_header>(std::move(*header));
  return std::optional<packet>();
}

decode_result<std::optional<packet>> decoder::add_binary(std::string_view bytes) {
  if (!pending_) return decode_error::unexpected_binary;
  pending_->pkt.attachments.push_back(std::make_shared<const std::string>(bytes));
  if (pending_->pkt.attachments.size() < pending_->expected_attachments) {
    return std::optional<packet>();
  }
  return finish();
}

decode_result<std::optional<packet>> decoder::finish() {
  packet p = std::move(pending_->pkt);
  pending_.reset();
  if (!placeholders_valid(p.data, p.attachments.size())) return decode_error::missing_attachment;
  return std::optional<packet>(std::move(p));
}

}  // namespace chatgate::socketio
