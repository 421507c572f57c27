// libFuzzer target: the Engine.IO packet decoder (text and binary frames) and base64.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/base64.hpp"
#include "engineio/packet.hpp"

using namespace chatgate::engineio;
using chatgate::core::base64_append;
using chatgate::core::base64_decode;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto decoded = decode_packet(input);
  if (decoded) {
    // Whatever decodes must encode back to something that decodes to the same packet.
    auto again = decode_packet(encode_packet(*decoded));
    if (!again || !(*again == *decoded)) std::abort();
  }
  auto frame = decode_binary_frame(input);
  if (frame.data != input) std::abort();
  std::string encoded;
  base64_append(encoded, input);
  auto round = base64_decode(encoded);
  if (!round || *round != input) std::abort();
  return 0;
}
