#include "core/metrics.hpp"

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

void metrics::count(std::string_view name, std::string_view help, const labels& l, double value) {
  get(name, help, kind::counter).by_labels[render_labels(l)].value += value;
}

void metrics::set_gauge(std::string_view name, std::string_view help, const labels& l,
                        double value) {
  get(name, help, kind::gauge).by_labels[render_labels(l)].value = value;
}

void metrics::observe(std::string_view name, std::string_view help, const labels& l, double value,
                      const std::vector<double>& buckets) {
  auto& f = get(name, help, kind::histogram);
  if (f.buckets.empty()) f.buckets = buckets;
  auto& s = f.by_labels[render_labels(l)];
  if (s.counts.empty()) s.counts.assign(f.buckets.size(), 0);
  for (std::size_t i = 0; i < f.buckets.size(); ++i)
    if (value <= f.buckets[i]) {
      ++s.counts[i];
      break;
    }
  s.sum += value;
  ++s.total;
}

void metrics::add_collector(collector c) {
  collectors_.push_back(std::move(c));
}

double metrics::value(std::string_view name, const labels& l) const {
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto s = it->second.by_labels.find(render_labels(l));
  return s == it->second.by_labels.end() ? 0 : s->second.value;
}

void metrics::render_family(std::string& out, const std::string& name, const family& f) const {
  static constexpr const char* type_names[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + name + " " + f.help + "\n";
  out += "# TYPE " + name + " " + type_names[static_cast<int>(f.type)] + "\n";
  for (const auto& [labels, s] : f.by_labels) {
    if (f.type != kind::histogram) {
      out += name + labels + " " + number(s.value) + "\n";
      continue;
    }
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < f.buckets.size(); ++i) {
      cumulative += s.counts[i];
      out += name + "_bucket" + with_le(labels, number(f.buckets[i])) + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name + "_bucket" + with_le(labels, "+Inf") + " " + std::to_string(s.total) + "\n";
    out += name + "_sum" + labels + " " + number(s.sum) + "\n";
    out += name + "_count" + labels + " " + std::to_string(s.total) + "\n";
  }
}

std::string metrics::render() const {
  std::string out;
  for (const auto& [name, f] : families_) render_family(out, name, f);
  for (const auto& c : collectors_) c(out);
  return out;
}

}  // namespace chatgate::core
