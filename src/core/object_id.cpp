#include "core/object_id.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>

namespace chatgate::core {
namespace {

std::uint64_t process_random() {
  static const std::uint64_t value = [] {
    std::random_device rd;
    return (std::uint64_t{rd()} << 32) ^ rd();
  }();
  return value;
}

std::atomic<std::uint32_t>& counter() {
  static std::atomic<std::uint32_t> c{static_cast<std::uint32_t>(process_random() >> 40)};
  return c;
}

void put_hex(std::string& out, std::uint64_t v, int bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  for (int i = bytes * 2 - 1; i >= 0; --i) out.push_back(digits[(v >> (i * 4)) & 0xf]);
}

}  // namespace

std::string make_object_id() {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  std::string id;
  id.reserve(24);
  put_hex(id, static_cast<std::uint32_t>(secs), 4);
  put_hex(id, process_random() & 0xffffffffffULL, 5);
  put_hex(id, counter().fetch_add(1, std::memory_order_relaxed) & 0xffffff, 3);
  return id;
}

bool is_object_id(std::string_view s) noexcept {
  if (s.size() != 24) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

}  // namespace chatgate::core
