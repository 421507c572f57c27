#include "socketio/args.hpp"

#include <boost/json/object.hpp>

namespace chatgate::socketio {

bool is_placeholder(const boost::json::value& v) {
  const auto* obj = v.if_object();
  if (!obj) return false;
  const auto* flag = obj->if_contains("_placeholder");
  const auto* num = obj->if_contains("num");
  return flag && flag->is_bool() && flag->get_bool() && num &&
         (num->is_int64() || num->is_uint64());
}

args args::encoded(std::string json_array) {
  args a;
  a.encoded_ = std::move(json_array);
  return a;
}

void args::push_binary(std::string bytes) {
  push_binary(std::make_shared<const std::string>(std::move(bytes)));
}

void args::push_binary(engineio::shared_bytes bytes) {
  push_back(add_attachment(std::move(bytes)));
}

boost::json::value args::add_attachment(engineio::shared_bytes bytes) {
  boost::json::object placeholder;
  placeholder["_placeholder"] = true;
  placeholder["num"] = attachments_.size();
  attachments_.push_back(std::move(bytes));
  return placeholder;
}

const std::string* args::binary(const boost::json::value& v) const {
  if (!is_placeholder(v)) return nullptr;
  const auto& num = v.get_object().at("num");
  std::uint64_t n =
      num.is_uint64() ? num.get_uint64() : static_cast<std::uint64_t>(num.get_int64());
  if (num.is_int64() && num.get_int64() < 0) return nullptr;
  if (n >= attachments_.size() || !attachments_[n]) return nullptr;
  return attachments_[n].get();
}

packet make_event_packet(std::string_view nsp, std::string_view event, args a,
                         std::optional<std::uint64_t> ack_id) {
  boost::json::array data;
  data.reserve(a.size() + 1);
  data.emplace_back(event);
  for (auto& v : a) data.push_back(std::move(v));
  packet p;
  p.type = packet_type::event;
  p.nsp.assign(nsp);
  p.id = ack_id;
  p.data = std::move(data);
  p.attachments = std::move(a.attachments());
  return p;
}

}  // namespace chatgate::socketio
