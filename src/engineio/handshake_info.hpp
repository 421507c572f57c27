#pragma once
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatgate::engineio {

/// Read-only (name, value) pairs of a handshake_info, sorted by name, each name once: what a
/// std::map<std::string, std::string> gave before, as views into the handshake's one block.
class string_pairs {
 public:
  using value_type = std::pair<std::string_view, std::string_view>;

  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using difference_type = std::ptrdiff_t;
    using value_type = string_pairs::value_type;
    using pointer = void;
    using reference = value_type;

    iterator() = default;
    value_type operator*() const { return list_->nth(i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      ++i_;
      return old;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    friend class string_pairs;
    iterator(const string_pairs* list, std::size_t i) : list_(list), i_(i) {}
    const string_pairs* list_ = nullptr;
    std::size_t i_ = 0;
  };

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, count_}; }
  /// The i-th pair in name order.
  value_type nth(std::size_t i) const;
  /// The value of `name` (binary search), nullopt when absent.
  std::optional<std::string_view> find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name).has_value(); }

 private:
  friend class handshake_info;
  string_pairs(const char* bytes, const std::uint32_t* ends, std::uint32_t start, std::size_t count)
      : bytes_(bytes), ends_(ends), start_(start), count_(count) {}
  std::string_view slice(std::size_t k) const;  // k-th string: name 2i, value 2i+1

  const char* bytes_;
  const std::uint32_t* ends_;  // end offset of each string; each starts where the one before ends
  std::uint32_t start_;        // offset of the first string
  std::size_t count_;
};

/// The handshake request as the layer above sees it (Socket.IO's `socket.handshake`). Kept for
/// the session's whole life, so compact: the url, remote address, headers and query are one
/// string block with one table of end offsets (two allocations, where maps of strings took
/// two or three per header), read through string_views.
class handshake_info {
 public:
  using pair_list = std::vector<std::pair<std::string, std::string>>;

  handshake_info();
  /// `headers` as received (any case; repeated names are joined with ", " as Node does),
  /// `query` decoded (parse_query: the last value of a repeated name won).
  handshake_info(std::string_view url, std::string_view remote_address, const pair_list& headers,
                 const std::map<std::string, std::string>& query);

  /// Decoded query parameters of the first request.
  string_pairs query() const {
    return {bytes_.data(), ends_.data() + query_at_, ends_[query_at_ - 1], query_count()};
  }
  /// Its headers, lower-case names.
  string_pairs headers() const {
    return {bytes_.data(), ends_.data() + 2, ends_[1], header_count_};
  }
  /// Remote address.
  std::string_view remote_address() const;
  /// Request target of the first request.
  std::string_view url() const { return std::string_view(bytes_).substr(0, ends_[0]); }

  /// Bytes kept on the heap (block and offset table), for tests and docs.
  std::size_t heap_bytes() const { return bytes_.capacity() + ends_.capacity() * 4; }

 private:
  std::size_t query_count() const { return (ends_.size() - query_at_) / 2; }

  std::string bytes_;
  std::vector<std::uint32_t> ends_;  // url, address, then name/value per header, per parameter
  std::uint32_t header_count_ = 0;
  std::uint32_t query_at_ = 2;  // index in ends_ of the first query name
};

}  // namespace chatgate::engineio
