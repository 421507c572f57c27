// store::worker_pool with real threads: order per key, readers vs writers, the bounded queue,
// expiry of jobs that waited too long (they never run), health probes and stop. Run under TSan
// by the tsan preset.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "store/worker_pool.hpp"

using namespace chatgate;
using namespace std::chrono_literals;
using kind = store::worker_pool::access;

namespace {

store::worker_settings fast(std::size_t queue_limit = 1000,
                            std::chrono::milliseconds timeout = 5s) {
  store::worker_settings s;
  s.queue_limit = queue_limit;
  s.job_timeout = timeout;
  s.watchdog_period = 5ms;
  // Probes are queued like jobs (and batched with them): only the health test wants them.
  s.health_period = std::chrono::hours(1);
  return s;
}

bool always(std::size_t) {
  return true;
}

/// Blocks worker `key` selects until release(): to hold jobs in its queue. hold() returns once
/// the worker runs the blocking job, so the queue is empty then.
struct gate {
  std::promise<void> open;
  std::shared_future<void> opened = open.get_future().share();
  bool hold(store::worker_pool& pool, std::size_t key = 0) {
    std::promise<void> started;
    const bool queued = pool.submit(
        kind::write, key,
        [this, &started](std::size_t) {
          started.set_value();
          opened.wait();
        },
        nullptr);
    if (queued) started.get_future().wait();
    return queued;
  }
  void release() { open.set_value(); }
};

TEST(worker_pool, jobs_with_one_key_run_in_submission_order_on_one_worker) {
  store::worker_pool pool(3, 0, fast(), always);
  std::mutex m;
  std::vector<int> seen;
  std::set<std::size_t> workers;
  std::promise<void> done;
  for (int i = 0; i < 500; ++i)
    ASSERT_TRUE(pool.submit(
        kind::write, 42,
        [&, i](std::size_t w) {
          std::lock_guard lock(m);
          seen.push_back(i);
          workers.insert(w);
          if (i == 499) done.set_value();
        },
        nullptr));
  done.get_future().wait();
  ASSERT_EQ(seen.size(), 500u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
  EXPECT_EQ(workers.size(), 1u);
}

TEST(worker_pool, reads_go_to_readers_and_writes_to_writers) {
  store::worker_pool pool(1, 2, fast(), always);
  std::mutex m;
  std::set<std::size_t> read_workers, write_workers;
  std::atomic<int> left{40};
  std::promise<void> done;
  for (std::size_t key = 0; key < 20; ++key) {
    for (auto a : {kind::read, kind::write}) {
      pool.submit(
          a, key,
          [&, a](std::size_t w) {
            {
              std::lock_guard lock(m);
              (a == kind::read ? read_workers : write_workers).insert(w);
            }
            if (--left == 0) done.set_value();
          },
          nullptr);
    }
  }
  done.get_future().wait();
  EXPECT_EQ(write_workers, (std::set<std::size_t>{0}));
  EXPECT_EQ(read_workers, (std::set<std::size_t>{1, 2}));
}

TEST(worker_pool, without_readers_reads_go_to_the_writers) {
  store::worker_pool pool(2, 0, fast(), always);
  std::promise<std::size_t> where;
  pool.submit(
      kind::read, 3, [&](std::size_t w) { where.set_value(w); }, nullptr);
  EXPECT_EQ(where.get_future().get(), 1u);  // 3 % 2
}

TEST(worker_pool, a_full_queue_refuses_at_once_and_counts_it) {
  store::worker_pool pool(1, 0, fast(/*queue_limit=*/3), always);
  gate g;
  ASSERT_TRUE(g.hold(pool));  // the worker holds the first job; the queue is empty
  std::atomic<int> ran{0};
  for (int i = 0; i < 3; ++i)  // at the limit
    EXPECT_TRUE(pool.submit(
        kind::write, 0, [&](std::size_t) { ++ran; }, nullptr));
  bool expired = false;
  EXPECT_FALSE(pool.submit(
      kind::write, 0, [&](std::size_t) { ++ran; }, [&] { expired = true; }));  // one past it
  EXPECT_EQ(pool.refused_count(), 1u);
  EXPECT_EQ(pool.queued(), 3u);
  g.release();
  pool.stop();
  EXPECT_EQ(ran, 3);
  EXPECT_FALSE(expired);  // a refused job gets neither callback
}

TEST(worker_pool, a_job_that_waited_too_long_expires_and_never_runs) {
  store::worker_pool pool(1, 0, fast(1000, 50ms), always);
  gate g;
  ASSERT_TRUE(g.hold(pool));  // the worker holds the first job; the queue is empty
  std::atomic<bool> ran{false};
  std::promise<void> expired;
  pool.submit(
      kind::write, 0, [&](std::size_t) { ran = true; }, [&] { expired.set_value(); });
  // The watchdog answers while the worker is still busy: the caller is not kept waiting.
  EXPECT_EQ(expired.get_future().wait_for(2s), std::future_status::ready);
  g.release();
  pool.stop();
  EXPECT_FALSE(ran);
  EXPECT_EQ(pool.expired_count(), 1u);
}

TEST(worker_pool, a_job_within_its_time_runs) {
  store::worker_pool pool(1, 0, fast(1000, 10s), always);
  std::promise<void> ran;
  pool.submit(
      kind::write, 0, [&](std::size_t) { ran.set_value(); }, [] { FAIL(); });
  EXPECT_EQ(ran.get_future().wait_for(2s), std::future_status::ready);
  EXPECT_EQ(pool.expired_count(), 0u);
}

TEST(worker_pool, health_follows_the_probe) {
  std::atomic<bool> up{true};
  auto settings = fast();
  settings.health_period = 20ms;
  store::worker_pool pool(1, 1, settings, [&](std::size_t) { return up.load(); });
  // Waits (at most 5 s: a loaded machine delays the probes) until healthy() reads `want`.
  auto reads = [&](bool want) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (pool.healthy() != want && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(5ms);
    return pool.healthy() == want;
  };
  EXPECT_TRUE(reads(true));
  up = false;
  EXPECT_TRUE(reads(false));  // a failed probe reads unhealthy at once
  up = true;
  EXPECT_TRUE(reads(true));
}

TEST(worker_pool, stop_runs_what_is_queued_then_refuses) {
  std::atomic<int> ran{0};
  store::worker_pool pool(2, 0, fast(), always);
  for (int i = 0; i < 100; ++i)
    pool.submit(
        kind::write, static_cast<std::size_t>(i), [&](std::size_t) { ++ran; }, nullptr);
  pool.stop();
  EXPECT_EQ(ran, 100);
  EXPECT_FALSE(pool.submit(
      kind::write, 0, [&](std::size_t) { ++ran; }, nullptr));
  pool.stop();  // idempotent
}

TEST(worker_pool, jobs_waiting_together_on_a_writer_run_as_one_batch) {
  auto settings = fast();
  settings.max_batch = 8;
  std::mutex m;
  std::vector<std::string> trace;
  auto note = [&](std::string what) {
    std::lock_guard lock(m);
    trace.push_back(std::move(what));
  };
  store::worker_pool pool(
      1, 1, settings, always,
      store::batch_hooks{[&](std::size_t w) {
                           note("begin" + std::to_string(w));
                           return true;
                         },
                         [&](std::size_t w) { note("end" + std::to_string(w)); }});
  gate g;
  ASSERT_TRUE(g.hold(pool));  // the worker holds the first job; the queue is empty
  for (int i = 0; i < 10; ++i)
    pool.submit(
        kind::write, 0, [&, i](std::size_t) { note("job" + std::to_string(i)); }, nullptr);
  pool.submit(
      kind::read, 0, [&](std::size_t) { note("read"); }, nullptr);  // readers never batch
  g.release();
  pool.stop();
  std::vector<std::string> writes;
  for (auto& t : trace)
    if (t != "read") writes.push_back(t);
  // At most 8 a batch, and a lone job runs without one.
  const std::vector<std::string> expected{"begin0", "job0", "job1", "job2", "job3",
                                          "job4",   "job5", "job6", "job7", "end0",
                                          "begin0", "job8", "job9", "end0"};
  EXPECT_EQ(writes, expected);
  EXPECT_EQ(pool.batch_count(), 2u);
  EXPECT_EQ(pool.batched_jobs(), 10u);
}

TEST(worker_pool, a_batch_runs_sorted_by_key_and_one_keys_jobs_keep_their_order) {
  // One writer takes every key; a batch runs by key (one lock order on every instance).
  auto settings = fast();
  settings.max_batch = 16;
  std::mutex m;
  std::vector<std::string> trace;
  store::worker_pool pool(1, 0, settings, always,
                          store::batch_hooks{[](std::size_t) { return true; }, [](std::size_t) {}});
  gate g;
  ASSERT_TRUE(g.hold(pool));
  const std::vector<std::pair<std::size_t, std::string>> jobs{
      {5, "a"}, {3, "b"}, {5, "c"}, {1, "d"}, {3, "e"}, {9, "f"}, {1, "g"}};
  for (const auto& [key, name] : jobs)
    ASSERT_TRUE(pool.submit(
        kind::write, key,
        [&, name = name](std::size_t) {
          std::lock_guard lock(m);
          trace.push_back(name);
        },
        nullptr));
  g.release();
  pool.stop();
  const std::vector<std::string> expected{"d", "g", "b", "e", "a", "c", "f"};
  EXPECT_EQ(trace, expected);
  EXPECT_EQ(pool.batch_count(), 1u);
}

TEST(worker_pool, a_worker_that_cannot_batch_runs_the_jobs_one_by_one) {
  auto settings = fast();
  settings.max_batch = 8;
  std::atomic<int> ends{0}, ran{0};
  store::worker_pool pool(
      1, 0, settings, always,
      store::batch_hooks{[](std::size_t) { return false; }, [&](std::size_t) { ++ends; }});
  gate g;
  ASSERT_TRUE(g.hold(pool));  // the worker holds the first job; the queue is empty
  for (int i = 0; i < 5; ++i)
    pool.submit(
        kind::write, 0, [&](std::size_t) { ++ran; }, nullptr);
  g.release();
  pool.stop();
  EXPECT_EQ(ran, 5);
  EXPECT_EQ(ends, 0);
  EXPECT_EQ(pool.batch_count(), 0u);
}

TEST(worker_pool, submit_all_queues_in_order_refuses_past_the_limit_and_the_rest_share_a_batch) {
  std::atomic<int> batches{0};
  store::worker_pool pool(1, 1, fast(/*queue_limit=*/4), always,
                          store::batch_hooks{[&](std::size_t) {
                                               ++batches;
                                               return true;
                                             },
                                             [](std::size_t) {}});
  gate g;
  ASSERT_TRUE(g.hold(pool));  // the writer runs the gate; its queue is empty
  std::mutex m;
  std::vector<std::string> ran;
  auto job = [&](std::string name) {
    return [&, name](std::size_t w) {
      std::lock_guard lock(m);
      ran.push_back(name + "@" + std::to_string(w));
    };
  };
  std::vector<store::worker_pool::request> requests;
  for (int i = 0; i < 5; ++i)  // 4 fit the writer's queue (at the limit), the 5th is one past it
    requests.push_back({kind::write, 0, job("w" + std::to_string(i)), nullptr});
  requests.push_back({kind::read, 7, job("r"), nullptr});  // the reader's queue is its own
  pool.submit_all(requests);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(requests[static_cast<std::size_t>(i)].accepted) << i;
  EXPECT_FALSE(requests[4].accepted);
  EXPECT_TRUE(requests[5].accepted);
  EXPECT_EQ(pool.refused_count(), 1u);
  g.release();
  pool.stop();
  std::vector<std::string> writes;
  for (const auto& r : ran)
    if (r.back() == '0') writes.push_back(r);
  EXPECT_EQ(writes, (std::vector<std::string>{"w0@0", "w1@0", "w2@0", "w3@0"}));
  EXPECT_NE(std::find(ran.begin(), ran.end(), "r@1"), ran.end());
  // The four were waiting together when the writer took its next batch: one group commit.
  EXPECT_EQ(pool.batch_count(), 1u);
  EXPECT_EQ(pool.batched_jobs(), 4u);
}

TEST(worker_pool, needs_a_writer) {
  EXPECT_THROW(store::worker_pool(0, 1, fast(), always), std::invalid_argument);
}

}  // namespace
