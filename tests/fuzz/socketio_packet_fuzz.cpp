// libFuzzer target for the Socket.IO packet decoder (socketio::decoder and decode_text).
// The input is a sequence of Engine.IO messages separated by 0x1E; a message starting with 'b'
// is binary (the rest of it), any other is text. Every complete packet is re-encoded and
// decoded again: the second decode must succeed and give the same text (the codec is stable).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "socketio/args.hpp"
#include "socketio/decoder.hpp"
#include "socketio/packet.hpp"

namespace {

using namespace chatgate::socketio;

void check_round_trip(const packet& p) {
  std::string text = encode_text(p);
  auto again = decode_text(text, 1000);
  if (!again) std::abort();  // our own output must decode
  if (again->expected_attachments != p.attachments.size()) std::abort();
  packet copy = std::move(again->pkt);
  copy.attachments = p.attachments;
  if (encode_text(copy) != text) std::abort();
  if (p.data.is_array()) {
    args a(p.data.get_array(), p.attachments);
    for (const auto& v : a) (void)a.binary(v);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  decoder d(10);
  while (true) {
    std::size_t sep = in.find('\x1e');
    std::string_view msg = in.substr(0, sep);
    auto r = !msg.empty() && msg[0] == 'b' ? d.add_binary(msg.substr(1)) : d.add_text(msg);
    if (!r) {
      d.reset();  // the session would be closed; keep exercising a fresh state
    } else if (*r) {
      check_round_trip(**r);
    }
    if (sep == std::string_view::npos) break;
    in.remove_prefix(sep + 1);
  }
  return 0;
}
