// libFuzzer target: the JWKS document parser (auth/jwks), bytes as they come from the provider.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/jwks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto doc =
      chatgate::auth::parse_jwks(std::string_view(reinterpret_cast<const char*>(data), size));
  if (doc) {
    for (const auto& k : doc->keys)
      if (!k.key || k.kid.empty()) __builtin_trap();  // a usable key always has both
  }
  return 0;
}
