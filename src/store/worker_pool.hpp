#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace chatgate::store {

/// How the store's worker threads queue and time out work (STORE_* settings).
struct worker_settings {
  // Jobs waiting per worker. Past it submit() refuses the job at once (backpressure: the caller
  // answers INTERNAL_ERROR "store overloaded"; nothing is queued without bound).
  std::size_t queue_limit = 10'000;
  // STORE_TIMEOUT_MS: a job still waiting after this long is expired (its `expired` callback runs
  // instead of the job, which never runs: nothing is stored after its caller got an error).
  std::chrono::milliseconds job_timeout{5'000};
  // How often the watchdog looks for expired jobs and asks each worker's probe for /ready.
  std::chrono::milliseconds watchdog_period{100};
  std::chrono::milliseconds health_period{1'000};
  // STORE_GROUP_COMMIT: on the writers, when several jobs are waiting, up to this many run
  // between one batch_hooks begin/end (one transaction). 1: off. Needs batch_hooks. Never waits
  // for a batch to fill, so an idle writer adds no latency. 256 rather than 64: under a full
  // queue (the `pairs` benchmark) the pages every send rewrites (conversation rows, their
  // indexes) go to the WAL once per commit, so 4x the sends share them.
  std::size_t max_batch = 256;
};

/// How a writer wraps a batch (group commit). begin: false when this worker cannot batch now
/// (the jobs then run one by one); end runs after the batch's last job.
struct batch_hooks {
  std::function<bool(std::size_t worker)> begin;
  std::function<void(std::size_t worker)> end;
};

/// Threads that own the database connections, so that no store call runs on an io thread.
/// Worker i runs its jobs one at a time in submission order; the caller picks the worker by key
/// (e.g. a hash of the conversation id), so that work on one conversation is ordered. Workers
/// [0, writers) take writes; [writers, size) take reads (none: reads go to the writers too).
///
/// A watchdog thread expires jobs that waited longer than job_timeout, oldest first, and runs
/// each worker's health probe every health_period (the probe itself runs on the worker, queued
/// like any job, so a busy or stuck worker reads as unhealthy until it answers).
///
/// Thread safety: submit() from any thread; job and probe run on their worker; `expired` on the
/// watchdog thread or, for a job refused at stop(), on the caller of stop().
class worker_pool {
 public:
  using job = std::function<void(std::size_t worker)>;
  using expired = std::function<void()>;
  using probe = std::function<bool(std::size_t worker)>;

  /// Starts `writers + readers` workers (writers ≥ 1). `health` runs on each worker.
  worker_pool(std::size_t writers, std::size_t readers, worker_settings settings, probe health,
              batch_hooks batches = {});
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  enum class access { read, write };
  /// Queues `j` on the worker `key` selects among the writers or readers. False (and neither
  /// callback runs) when that worker's queue is full or the pool is stopping.
  /// Jobs with one key run in submission order. A group-commit batch runs its jobs stably sorted
  /// by key, so that batches on several instances (PostgreSQL) take row locks in one order and
  /// cannot deadlock each other; jobs with different keys have no order between them.
  bool submit(access a, std::size_t key, job j, expired e);

  /// One job of submit_all(); `accepted` is submit()'s answer for it.
  struct request {
    access a = access::write;
    std::size_t key = 0;
    job run;
    expired expire;
    bool accepted = false;
  };
  /// submit() of each request, in order, taking each worker's lock once and waking each worker
  /// once: jobs handed over together are all waiting when the worker takes its next batch.
  void submit_all(std::vector<request>& requests);

  /// True while every worker's last probe succeeded within the last 3 health periods.
  bool healthy() const;
  std::size_t size() const { return workers_.size(); }
  std::size_t writers() const { return writers_; }
  /// Jobs waiting, over all workers.
  std::size_t queued() const;
  std::uint64_t expired_count() const { return expired_total_.load(std::memory_order_relaxed); }
  std::uint64_t refused_count() const { return refused_total_.load(std::memory_order_relaxed); }
  /// Group commits run, and the jobs they held (for /metrics and the benchmark).
  std::uint64_t batch_count() const { return batches_total_.load(std::memory_order_relaxed); }
  std::uint64_t batched_jobs() const { return batched_jobs_.load(std::memory_order_relaxed); }

  /// Runs what is queued (jobs that did not wait too long), then joins every thread. Idempotent.
  void stop();

 private:
  struct entry {
    job run;
    expired expire;
    std::chrono::steady_clock::time_point queued_at;
    std::size_t key = 0;  // as given to submit(): a batch runs its jobs sorted by it
    bool probe = false;   // a health probe: dropped when late, not counted as an expired call
  };
  struct worker {
    mutable std::mutex mutex;
    std::condition_variable wake;
    std::deque<entry> queue;
    bool stopping = false;
    std::atomic<std::int64_t> last_ok_ns{0};  // steady_clock time of the last good probe
    std::thread thread;
  };

  void work(std::size_t index);
  /// Runs `jobs` (taken together from one queue), expiring those that waited too long.
  void run_all(std::size_t index, std::vector<entry>& jobs);
  void watch();
  void expire_old(worker& w, std::chrono::steady_clock::time_point now);
  std::size_t pick(access a, std::size_t key) const;

  const std::size_t writers_;
  const worker_settings settings_;
  probe health_;
  batch_hooks batches_;
  std::vector<std::unique_ptr<worker>> workers_;
  std::atomic<std::uint64_t> expired_total_{0};
  std::atomic<std::uint64_t> refused_total_{0};
  std::atomic<std::uint64_t> batches_total_{0};
  std::atomic<std::uint64_t> batched_jobs_{0};

  std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool watch_stopping_ = false;
  std::thread watchdog_;
};

}  // namespace chatgate::store
