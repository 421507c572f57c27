// libFuzzer target for the Redis adapter's decoders (cluster/redis/adapter_frame, adapter_request,
// msgpack_json): the bytes are offered as a broadcast frame, a request and a response. A frame
// that decodes is encoded again; decoding that must succeed, and encoding once more must give
// the same bytes (the codec is stable after one pass).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/redis/adapter_frame.hpp"
#include "cluster/redis/adapter_request.hpp"

using namespace chatgate::cluster::redis;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)decode_request(in);
  (void)decode_response(in);
  auto prefix = broadcast_channel_prefix("socket.io", "/");
  (void)room_of_channel(in, prefix);
  auto f = decode_broadcast(in);
  if (!f) return 0;
  const std::string once = encode_broadcast(f->uid, f->packet, f->opts);
  auto again = decode_broadcast(once);
  if (!again) std::abort();  // our own output must decode
  if (encode_broadcast(again->uid, again->packet, again->opts) != once) std::abort();
  return 0;
}
