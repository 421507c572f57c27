#pragma once
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

namespace chatgate::core {

/// An immutable string of 24 bytes that keeps up to 23 characters in place, and a longer one in
/// one heap block of exactly its size. For the ids a connection keeps for its whole life in
/// indexes (socket ids, Engine.IO session ids: 20 characters): std::string keeps at most 15 in
/// place, so each such id costs a heap block of 21 bytes plus malloc's overhead, per copy.
class compact_string {
 public:
  static constexpr std::size_t inline_capacity = 23;

  compact_string() { set_inline_size(0); }
  explicit compact_string(std::string_view s) { assign(s); }
  compact_string(const compact_string& o) { assign(o.view()); }
  compact_string(compact_string&& o) noexcept {
    std::memcpy(bytes_, o.bytes_, sizeof bytes_);
    o.set_inline_size(0);
  }
  compact_string& operator=(const compact_string& o) {
    if (this != &o) {
      compact_string copy(o);
      swap(copy);
    }
    return *this;
  }
  compact_string& operator=(compact_string&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(bytes_, o.bytes_, sizeof bytes_);
      o.set_inline_size(0);
    }
    return *this;
  }
  ~compact_string() { release(); }

  std::string_view view() const {
    if (on_heap()) return {heap_ptr(), heap_size()};
    return {bytes_, static_cast<std::size_t>(bytes_[inline_capacity])};
  }
  operator std::string_view() const { return view(); }  // NOLINT: an id reads as a string
  std::string str() const { return std::string(view()); }
  std::size_t size() const { return view().size(); }
  bool empty() const { return size() == 0; }
  /// True when the characters live in a heap block (longer than inline_capacity).
  bool on_heap() const { return static_cast<unsigned char>(bytes_[inline_capacity]) == heap_tag; }

  void swap(compact_string& o) noexcept {
    char tmp[sizeof bytes_];
    std::memcpy(tmp, bytes_, sizeof bytes_);
    std::memcpy(bytes_, o.bytes_, sizeof bytes_);
    std::memcpy(o.bytes_, tmp, sizeof bytes_);
  }

  friend bool operator==(const compact_string& a, const compact_string& b) {
    return a.view() == b.view();
  }
  friend bool operator==(const compact_string& a, std::string_view b) { return a.view() == b; }
  friend std::strong_ordering operator<=>(const compact_string& a, const compact_string& b) {
    return a.view() <=> b.view();
  }

 private:
  static constexpr unsigned char heap_tag = 0xff;

  void set_inline_size(std::size_t n) { bytes_[inline_capacity] = static_cast<char>(n); }
  const char* heap_ptr() const {
    const char* p;
    std::memcpy(&p, bytes_, sizeof p);
    return p;
  }
  std::size_t heap_size() const {
    std::uint64_t n;
    std::memcpy(&n, bytes_ + sizeof(char*), sizeof n);
    return static_cast<std::size_t>(n);
  }
  void assign(std::string_view s) {
    if (s.size() <= inline_capacity) {
      if (!s.empty()) std::memcpy(bytes_, s.data(), s.size());
      set_inline_size(s.size());
      return;
    }
    char* p = new char[s.size()];
    std::memcpy(p, s.data(), s.size());
    const std::uint64_t n = s.size();
    std::memcpy(bytes_, &p, sizeof p);
    std::memcpy(bytes_ + sizeof p, &n, sizeof n);
    bytes_[inline_capacity] = static_cast<char>(heap_tag);
  }
  void release() {
    if (on_heap()) delete[] heap_ptr();
    set_inline_size(0);
  }

  // Inline: the characters, then (last byte) their count. On the heap: the pointer, the size,
  // then heap_tag in the last byte.
  char bytes_[inline_capacity + 1];
};

static_assert(sizeof(compact_string) == 24);

/// Transparent hash for unordered containers keyed by compact_string (lookups by string_view).
struct compact_string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  std::size_t operator()(const compact_string& s) const { return (*this)(s.view()); }
};

/// Transparent equality to go with it.
struct compact_string_equal {
  using is_transparent = void;
  template <class A, class B>
  bool operator()(const A& a, const B& b) const {
    return std::string_view(a) == std::string_view(b);
  }
};

}  // namespace chatgate::core
