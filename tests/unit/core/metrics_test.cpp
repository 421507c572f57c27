#include "core/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "core/logging.hpp"

using chatgate::core::metrics;

namespace {

TEST(metrics, counters_and_gauges_render_as_prometheus_text) {
  metrics m;
  m.count("req_total", "Requests", {{"route", "/a"}, {"status", "200"}});
  m.count("req_total", "Requests", {{"route", "/a"}, {"status", "200"}}, 2);
  m.set_gauge("open", "Open things", {}, 7);
  EXPECT_EQ(m.value("req_total", {{"route", "/a"}, {"status", "200"}}), 3);
  auto text = m.render();
  EXPECT_NE(text.find("# TYPE req_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("req_total{route=\"/a\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE open gauge\nopen 7\n"), std::string::npos);
}

TEST(metrics, histogram_buckets_are_cumulative) {
  metrics m;
  m.observe("lat", "Latency", {{"r", "x"}}, 0.5, {0.1, 1});
  m.observe("lat", "Latency", {{"r", "x"}}, 0.05, {0.1, 1});
  m.observe("lat", "Latency", {{"r", "x"}}, 5, {0.1, 1});
  auto text = m.render();
  EXPECT_NE(text.find("lat_bucket{r=\"x\",le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{r=\"x\",le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{r=\"x\",le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_sum{r=\"x\"} 5.55\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_count{r=\"x\"} 3\n"), std::string::npos) << text;
}

TEST(metrics, label_values_are_escaped_and_collectors_appended) {
  metrics m;
  m.count("c", "C", {{"v", "a\"b\\c\nd"}});
  m.add_collector([](std::string& out) { out += "# TYPE extra gauge\nextra 1\n"; });
  auto text = m.render();
  EXPECT_NE(text.find("c{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  EXPECT_EQ(text.substr(text.size() - 8), "extra 1\n");
}

TEST(metrics, resolved_handles_count_from_several_threads) {
  metrics m;
  auto sent = m.counter_for("sent_total", "Sent", {{"k", "v"}});
  auto latency = m.histogram_for("lat", "Latency", {}, {0.1, 1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        sent.add();
        latency.observe(i % 2 ? 0.05 : 0.5);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.value("sent_total", {{"k", "v"}}), 40000);
  m.count("sent_total", "Sent", {{"k", "v"}});  // the cold path reaches the same series
  EXPECT_EQ(m.value("sent_total", {{"k", "v"}}), 40001);
  auto text = m.render();
  EXPECT_NE(text.find("lat_bucket{le=\"0.1\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_bucket{le=\"1\"} 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_count 40000\n"), std::string::npos) << text;
}

TEST(logging, json_line_escapes_the_message) {
  auto line = chatgate::core::json_log_line("2026-01-01T00:00:00.000Z", "info", "a \"b\"\n\x01");
  EXPECT_EQ(line,
            "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"a "
            "\\\"b\\\"\\n\\u0001\"}\n");
}

TEST(logging, level_and_format_names) {
  using chatgate::core::parse_log_level;
  EXPECT_EQ(parse_log_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_log_level("error"), spdlog::level::err);
  EXPECT_FALSE(parse_log_level("WARN"));
  EXPECT_EQ(chatgate::core::parse_log_format("json"), chatgate::core::log_format::json);
  EXPECT_FALSE(chatgate::core::parse_log_format("yaml"));
}

}  // namespace
