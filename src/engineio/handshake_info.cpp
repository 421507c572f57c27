#include "engineio/handshake_info.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <stdexcept>

namespace chatgate::engineio {

std::string_view string_pairs::slice(std::size_t k) const {
  const std::uint32_t begin = k == 0 ? start_ : ends_[k - 1];
  return {bytes_ + begin, ends_[k] - begin};
}

string_pairs::value_type string_pairs::nth(std::size_t i) const {
  return {slice(2 * i), slice(2 * i + 1)};
}

std::optional<std::string_view> string_pairs::find(std::string_view name) const {
  std::size_t lo = 0, hi = count_;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const auto key = slice(2 * mid);
    if (key == name) return slice(2 * mid + 1);
    if (key < name) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return std::nullopt;
}

handshake_info::handshake_info() : ends_{0, 0} {}

namespace {

/// Names lower-cased, sorted, each name once: a repeated header's values are joined with ", "
/// in arrival order, as Node joins them.
handshake_info::pair_list lowered_and_joined(const handshake_info::pair_list& headers) {
  handshake_info::pair_list pairs;
  pairs.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    pairs.emplace_back(std::move(lower), value);
  }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  handshake_info::pair_list out;
  out.reserve(pairs.size());
  for (auto& p : pairs) {
    if (!out.empty() && out.back().first == p.first) {
      out.back().second += ", " + p.second;
    } else {
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace

handshake_info::handshake_info(std::string_view url, std::string_view remote_address,
                               const pair_list& headers,
                               const std::map<std::string, std::string>& query) {
  const auto hs = lowered_and_joined(headers);
  const auto& qs = query;  // sorted, each name once

  std::size_t total = url.size() + remote_address.size();
  for (const auto& [n, v] : hs) total += n.size() + v.size();
  for (const auto& [n, v] : qs) total += n.size() + v.size();
  if (total > std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("handshake_info: request too large");
  bytes_.reserve(total);
  ends_.reserve(2 + 2 * (hs.size() + qs.size()));
  auto add = [this](std::string_view s) {
    bytes_.append(s);
    ends_.push_back(static_cast<std::uint32_t>(bytes_.size()));
  };
  add(url);
  add(remote_address);
  for (const auto& [n, v] : hs) add(n), add(v);
  header_count_ = static_cast<std::uint32_t>(hs.size());
  query_at_ = static_cast<std::uint32_t>(ends_.size());
  for (const auto& [n, v] : qs) add(n), add(v);
}

std::string_view handshake_info::remote_address() const {
  return std::string_view(bytes_).substr(ends_[0], ends_[1] - ends_[0]);
}

}  // namespace chatgate::engineio
