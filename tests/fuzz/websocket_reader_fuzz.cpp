// libFuzzer target: the websocket frame reader (client -> server frames). The first input byte
// picks a read size; the rest is parsed once whole and once in reads of that size, and the two
// must give the same events (a message never depends on how TCP split it). Every text message
// must be valid UTF-8 and no message may exceed the limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "engineio/transports/websocket_reader.hpp"

using chatgate::engineio::valid_utf8;
using chatgate::engineio::websocket_reader;

namespace {

constexpr std::size_t max_message = 4096;

struct seen {
  websocket_reader::kind what;
  std::string data;
  std::uint16_t code;
  bool operator==(const seen&) const = default;
};

std::vector<seen> parse(const std::string& wire, std::size_t chunk) {
  websocket_reader reader(max_message);
  std::vector<seen> out;
  for (std::size_t at = 0; at < wire.size(); at += chunk) {
    std::string piece = wire.substr(at, chunk);
    std::span<char> in(piece.data(), piece.size());
    for (;;) {
      const auto ev = reader.next(in);
      if (ev.what == websocket_reader::kind::need_more) break;
      if (ev.what == websocket_reader::kind::text && !valid_utf8(ev.data)) std::abort();
      if (ev.data.size() > max_message) std::abort();
      out.push_back({ev.what, std::string(ev.data), ev.code});
    }
    if (!in.empty()) std::abort();  // need_more means everything was consumed
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 32;
  const std::string wire(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (parse(wire, wire.empty() ? 1 : wire.size()) != parse(wire, chunk)) std::abort();
  return 0;
}
