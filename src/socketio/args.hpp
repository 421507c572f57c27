#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "engineio/socket.hpp"
#include "socketio/packet.hpp"

namespace chatgate::socketio {

/// Event (or ack) arguments: a JSON array, plus the binary attachments its placeholder objects
/// `{"_placeholder":true,"num":N}` refer to. This is the wire form, so a received binary argument
/// is echoed back by passing the args on unchanged, and a broadcast shares the attachments.
/// A handler written for `const boost::json::array&` accepts an `args` as is.
class args : public boost::json::array {
 public:
  args() = default;
  args(boost::json::array a) : boost::json::array(std::move(a)) {}
  args(boost::json::array a, std::vector<engineio::shared_bytes> attachments)
      : boost::json::array(std::move(a)), attachments_(std::move(attachments)) {}
  args(std::initializer_list<boost::json::value_ref> init) : boost::json::array(init) {}

  /// Appends a binary argument (its bytes become attachment N, its JSON a placeholder).
  void push_binary(std::string bytes);
  void push_binary(engineio::shared_bytes bytes);
  /// A placeholder value for bytes added with add_attachment, for nesting binary in objects.
  boost::json::value add_attachment(engineio::shared_bytes bytes);

  /// The bytes a placeholder value refers to, or null if `v` is not a valid placeholder.
  const std::string* binary(const boost::json::value& v) const;
  bool has_binary() const { return !attachments_.empty(); }

  const std::vector<engineio::shared_bytes>& attachments() const { return attachments_; }
  std::vector<engineio::shared_bytes>& attachments() { return attachments_; }

  boost::json::array& json() { return *this; }
  const boost::json::array& json() const { return *this; }

  /// Arguments whose JSON array is already written (`json_array`, "[...]", as write_json would
  /// write it): an ack answered with it puts the text in its packet as is, with no JSON built
  /// or encoded on the way (message:send's ack, written straight from the message). json() is
  /// then empty. Acks only: an event or broadcast ignores the text.
  static args encoded(std::string json_array);
  bool is_encoded() const { return !encoded_.empty(); }
  std::string& encoded_text() { return encoded_; }

 private:
  std::vector<engineio::shared_bytes> attachments_;
  std::string encoded_;  // non-empty: see encoded()
};

/// The EVENT packet `["event", args...]` for namespace `nsp`, attachments moved along.
packet make_event_packet(std::string_view nsp, std::string_view event, args a,
                         std::optional<std::uint64_t> ack_id = std::nullopt);

/// Whether `v` is a `{"_placeholder":true,"num":N}` object.
bool is_placeholder(const boost::json::value& v);

}  // namespace chatgate::socketio
