#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatgate::core {

/// A tiny Prometheus registry: counters, gauges and histograms with labels, rendered in the text
/// exposition format for GET /metrics. One instance is made in main and passed by reference; it
/// is used on the io thread only (no locks). Modules with their own stats structs add a collector
/// that appends their lines to the rendered text.
class metrics {
 public:
  using labels = std::vector<std::pair<std::string, std::string>>;
  /// Renders extra lines (complete "# TYPE" blocks) at the end of the text.
  using collector = std::function<void(std::string&)>;

  /// Adds `value` (>= 0) to the counter `name{labels}`.
  void count(std::string_view name, std::string_view help, const labels& l = {}, double value = 1);
  /// Sets the gauge `name{labels}`.
  void set_gauge(std::string_view name, std::string_view help, const labels& l, double value);
  /// Records one observation (seconds for latencies) in histogram `name{labels}`; buckets are
  /// fixed at the first call for that name.
  void observe(std::string_view name, std::string_view help, const labels& l, double value,
               const std::vector<double>& buckets = default_buckets());
  void add_collector(collector c);

  /// Current value of a counter or gauge (0 when absent): for tests.
  double value(std::string_view name, const labels& l = {}) const;
  /// The whole registry in Prometheus text format 0.0.4.
  std::string render() const;

  /// 1 ms .. 10 s, for request latencies.
  static const std::vector<double>& default_buckets();

 private:
  enum class kind { counter, gauge, histogram };
  struct series {
    double value = 0;                   // counter / gauge
    std::vector<std::uint64_t> counts;  // histogram, one per bucket (not cumulative)
    double sum = 0;
    std::uint64_t total = 0;
  };
  struct family {
    kind type = kind::counter;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, series> by_labels;  // key: rendered label set, e.g. {a="1",b="2"}
  };

  family& get(std::string_view name, std::string_view help, kind type);
  void render_family(std::string& out, const std::string& name, const family& f) const;

  std::map<std::string, family, std::less<>> families_;
  std::vector<collector> collectors_;
};

/// `{a="1",b="x\"y"}` with Prometheus escaping; empty for no labels.
std::string render_labels(const metrics::labels& l);

}  // namespace chatgate::core
