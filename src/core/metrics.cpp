#include "core/metrics.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace chatgate::core {

namespace {

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// Adds `le` to a rendered label set: {a="1"} -> {a="1",le="0.5"}.
std::string with_le(const std::string& rendered, const std::string& le) {
  if (rendered.empty()) return "{le=\"" + le + "\"}";
  return rendered.substr(0, rendered.size() - 1) + ",le=\"" + le + "\"}";
}

}  // namespace

std::string render_labels(const metrics::labels& l) {
  if (l.empty()) return {};
  std::string out = "{";
  for (const auto& [k, v] : l) {
    if (out.size() > 1) out += ',';
    out += k + "=\"" + escape_label(v) + "\"";
  }
  return out + "}";
}

const std::vector<double>& metrics::default_buckets() {
  static const std::vector<double> b{0.001, 0.005, 0.01, 0.025, 0.05, 0.1,
                                     0.25,  0.5,   1,    2.5,   5,    10};
  return b;
}

metrics::family& metrics::get(std::string_view name, std::string_view help, kind type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), family{}).first;
    it->second.type = type;
    it->second.help = std::string(help);
  }
  return it->second;
}

metrics::series& metrics::histogram_series(family& f, const labels& l,
                                           const std::vector<double>& buckets) {
  if (f.buckets.empty()) f.buckets = buckets;
  auto& s = f.by_labels[render_labels(l)];
  if (!s.counts) {
    s.counts = std::make_unique<std::atomic<std::uint64_t>[]>(f.buckets.size());
    for (std::size_t i = 0; i < f.buckets.size(); ++i) s.counts[i].store(0);
  }
  return s;
}

void metrics::counter::add(double value) const noexcept {
  series_->value.fetch_add(value, std::memory_order_relaxed);
}

void metrics::histogram::observe(double value) const noexcept {
  const auto& b = *buckets_;
  auto i = static_cast<std::size_t>(std::lower_bound(b.begin(), b.end(), value) - b.begin());
  if (i < b.size()) series_->counts[i].fetch_add(1, std::memory_order_relaxed);
  series_->sum.fetch_add(value, std::memory_order_relaxed);
  series_->total.fetch_add(1, std::memory_order_relaxed);
}

metrics::counter metrics::counter_for(std::string_view name, std::string_view help,
                                      const labels& l) {
  std::lock_guard lock(mutex_);
  return counter(&get(name, help, kind::counter).by_labels[render_labels(l)]);
}

metrics::histogram metrics::histogram_for(std::string_view name, std::string_view help,
                                          const labels& l, const std::vector<double>& buckets) {
  std::lock_guard lock(mutex_);
  auto& f = get(name, help, kind::histogram);
  auto& s = histogram_series(f, l, buckets);
  return histogram(&f.buckets, &s);
}

void metrics::count(std::string_view name, std::string_view help, const labels& l, double value) {
  counter_for(name, help, l).add(value);
}

void metrics::set_gauge(std::string_view name, std::string_view help, const labels& l,
                        double value) {
  std::lock_guard lock(mutex_);
  get(name, help, kind::gauge)
      .by_labels[render_labels(l)]
      .value.store(value, std::memory_order_relaxed);
}

void metrics::observe(std::string_view name, std::string_view help, const labels& l, double value,
                      const std::vector<double>& buckets) {
  histogram_for(name, help, l, buckets).observe(value);
}

void metrics::add_collector(collector c) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(c));
}

double metrics::value(std::string_view name, const labels& l) const {
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto s = it->second.by_labels.find(render_labels(l));
  return s == it->second.by_labels.end() ? 0 : s->second.value.load(std::memory_order_relaxed);
}

void metrics::render_family(std::string& out, const std::string& name, const family& f) const {
  static constexpr const char* type_names[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + name + " " + f.help + "\n";
  out += "# TYPE " + name + " " + type_names[static_cast<int>(f.type)] + "\n";
  for (const auto& [labels, s] : f.by_labels) {
    if (f.type != kind::histogram) {
      out += name + labels + " " + number(s.value.load(std::memory_order_relaxed)) + "\n";
      continue;
    }
    // Observations may land while we read: keep the buckets monotonic and +Inf >= the last.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < f.buckets.size(); ++i) {
      cumulative += s.counts[i].load(std::memory_order_relaxed);
      out += name + "_bucket" + with_le(labels, number(f.buckets[i])) + " " +
             std::to_string(cumulative) + "\n";
    }
    const auto total = std::max(cumulative, s.total.load(std::memory_order_relaxed));
    out += name + "_bucket" + with_le(labels, "+Inf") + " " + std::to_string(total) + "\n";
    out += name + "_sum" + labels + " " + number(s.sum.load(std::memory_order_relaxed)) + "\n";
    out += name + "_count" + labels + " " + std::to_string(total) + "\n";
  }
}

std::string metrics::render() const {
  std::string out;
  std::vector<collector> collectors;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, f] : families_) render_family(out, name, f);
    collectors = collectors_;
  }
  for (const auto& c : collectors) c(out);  // outside the lock: a collector may use the registry
  return out;
}

}  // namespace chatgate::core
