#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chatgate::core {

/// A tiny Prometheus registry: counters, gauges and histograms with labels, rendered in the text
/// exposition format for GET /metrics. One instance is made in main and passed by reference.
/// Hot paths resolve a series once (counter_for, histogram_for) and then add to it with relaxed
/// atomics: no label formatting, no map lookup, safe from any thread. The registry's maps are
/// behind one mutex, taken only to create a series and to render. Modules with their own stats
/// structs add a collector that appends their lines to the rendered text.
class metrics {
  struct series;

 public:
  using labels = std::vector<std::pair<std::string, std::string>>;
  /// Renders extra lines (complete "# TYPE" blocks) at the end of the text.
  using collector = std::function<void(std::string&)>;

  /// One counter series, resolved once; valid as long as its registry. Copyable (a pointer).
  class counter {
   public:
    counter() = default;  // a null handle: add() must not be called on it
    void add(double value = 1) const noexcept;
    explicit operator bool() const noexcept { return series_ != nullptr; }

   private:
    friend class metrics;
    explicit counter(series* s) : series_(s) {}
    series* series_ = nullptr;
  };

  /// One histogram series, resolved once; valid as long as its registry.
  class histogram {
   public:
    histogram() = default;
    void observe(double value) const noexcept;

   private:
    friend class metrics;
    histogram(const std::vector<double>* buckets, series* s) : buckets_(buckets), series_(s) {}
    const std::vector<double>* buckets_ = nullptr;
    series* series_ = nullptr;
  };

  metrics() = default;
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// The counter `name{labels}`, created at 0 if new.
  counter counter_for(std::string_view name, std::string_view help, const labels& l = {});
  /// The histogram `name{labels}`; buckets are fixed at the first call for that name.
  histogram histogram_for(std::string_view name, std::string_view help, const labels& l,
                          const std::vector<double>& buckets = default_buckets());

  /// Adds `value` (>= 0) to the counter `name{labels}` (resolves it each time: cold paths only).
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
    std::atomic<double> value{0};                          // counter / gauge
    std::unique_ptr<std::atomic<std::uint64_t>[]> counts;  // histogram, one per bucket
    std::atomic<double> sum{0};                            // (counts not cumulative)
    std::atomic<std::uint64_t> total{0};
  };
  struct family {
    kind type = kind::counter;
    std::string help;
    std::vector<double> buckets;
    std::map<std::string, series> by_labels;  // key: rendered label set, e.g. {a="1",b="2"}
  };

  family& get(std::string_view name, std::string_view help, kind type);  // mutex_ held
  series& histogram_series(family& f, const labels& l, const std::vector<double>& buckets);
  void render_family(std::string& out, const std::string& name, const family& f) const;

  mutable std::mutex mutex_;  // guards the maps' structure (not the atomic values)
  std::map<std::string, family, std::less<>> families_;  // nodes never move: handles stay valid
  std::vector<collector> collectors_;
};

/// `{a="1",b="x\"y"}` with Prometheus escaping; empty for no labels.
std::string render_labels(const metrics::labels& l);

}  // namespace chatgate::core
