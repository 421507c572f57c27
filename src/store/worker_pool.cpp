#include "store/worker_pool.hpp"

#include <algorithm>
#include <stdexcept>

namespace chatgate::store {

namespace {

std::int64_t ticks(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

worker_pool::worker_pool(std::size_t writers, std::size_t readers, worker_settings settings,
                         probe health, batch_hooks batches)
    : writers_(writers),
      settings_(settings),
      health_(std::move(health)),
      batches_(std::move(batches)) {
  if (writers == 0) throw std::invalid_argument("worker_pool: at least one writer");
  const auto now = ticks(std::chrono::steady_clock::now());
  for (std::size_t i = 0; i < writers + readers; ++i) {
    auto w = std::make_unique<worker>();
    w->last_ok_ns = now;  // the stores were opened (and answered) just before
    workers_.push_back(std::move(w));
  }
  for (std::size_t i = 0; i < workers_.size(); ++i)
    workers_[i]->thread = std::thread([this, i] { work(i); });
  watchdog_ = std::thread([this] { watch(); });
}

worker_pool::~worker_pool() {
  stop();
}

std::size_t worker_pool::pick(access a, std::size_t key) const {
  const auto readers = workers_.size() - writers_;
  if (a == access::read && readers > 0) return writers_ + key % readers;
  return key % writers_;
}

bool worker_pool::submit(access a, std::size_t key, job j, expired e) {
  auto& w = *workers_[pick(a, key)];
  {
    std::lock_guard lock(w.mutex);
    if (w.stopping || w.queue.size() >= settings_.queue_limit) {
      refused_total_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    w.queue.push_back({std::move(j), std::move(e), std::chrono::steady_clock::now(), key});
  }
  w.wake.notify_one();
  return true;
}

void worker_pool::submit_all(std::vector<request>& requests) {
  // Workers in the order they are first named (a handful: the writers and readers).
  // Per calling thread, kept for their capacity (a pass can hand over hundreds of calls).
  thread_local std::vector<std::size_t> order;
  thread_local std::vector<std::size_t> target;
  order.clear();
  target.resize(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    target[i] = pick(requests[i].a, requests[i].key);
    if (std::find(order.begin(), order.end(), target[i]) == order.end()) order.push_back(target[i]);
  }
  const auto now = std::chrono::steady_clock::now();
  for (const auto index : order) {
    auto& w = *workers_[index];
    bool queued = false;
    {
      std::lock_guard lock(w.mutex);
      for (std::size_t i = 0; i < requests.size(); ++i) {
        if (target[i] != index) continue;
        auto& r = requests[i];
        if (w.stopping || w.queue.size() >= settings_.queue_limit) {
          refused_total_.fetch_add(1, std::memory_order_relaxed);
          r.accepted = false;
          continue;
        }
        w.queue.push_back({std::move(r.run), std::move(r.expire), now, r.key});
        r.accepted = queued = true;
      }
    }
    if (queued) w.wake.notify_one();
  }
}

void worker_pool::work(std::size_t index) {
  auto& w = *workers_[index];
  const std::size_t take =
      index < writers_ && batches_.begin && settings_.max_batch > 1 ? settings_.max_batch : 1;
  std::vector<entry> jobs;
  for (;;) {
    {
      std::unique_lock lock(w.mutex);
      w.wake.wait(lock, [&w] { return w.stopping || !w.queue.empty(); });
      if (w.queue.empty()) return;  // stopping, and everything queued has run
      // What is waiting now, up to `take`: a batch never waits to fill.
      while (!w.queue.empty() && jobs.size() < take) {
        jobs.push_back(std::move(w.queue.front()));
        w.queue.pop_front();
      }
    }
    run_all(index, jobs);
    jobs.clear();
  }
}

void worker_pool::run_all(std::size_t index, std::vector<entry>& jobs) {
  // The watchdog may not have seen them yet: a job past its deadline never runs.
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(jobs, [&](entry& e) {
    if (now - e.queued_at <= settings_.job_timeout) return false;
    if (e.probe) return true;
    expired_total_.fetch_add(1, std::memory_order_relaxed);
    if (e.expire) e.expire();
    return true;
  });
  const bool batched = jobs.size() > 1 && batches_.begin(index);
  if (batched) {
    // One lock order for every batch (see submit): the same key order on every instance.
    std::stable_sort(jobs.begin(), jobs.end(),
                     [](const entry& a, const entry& b) { return a.key < b.key; });
  }
  for (auto& e : jobs) e.run(index);
  if (!batched) return;
  // Counted before end(), which releases the answers: whoever saw an answer sees the count.
  batches_total_.fetch_add(1, std::memory_order_relaxed);
  batched_jobs_.fetch_add(jobs.size(), std::memory_order_relaxed);
  batches_.end(index);
}

void worker_pool::expire_old(worker& w, std::chrono::steady_clock::time_point now) {
  std::vector<expired> late;
  {
    std::lock_guard lock(w.mutex);
    // FIFO: the oldest are at the front, so stop at the first one still in time.
    while (!w.queue.empty() && now - w.queue.front().queued_at > settings_.job_timeout) {
      if (!w.queue.front().probe) late.push_back(std::move(w.queue.front().expire));
      w.queue.pop_front();
    }
  }
  for (auto& e : late) {
    expired_total_.fetch_add(1, std::memory_order_relaxed);
    if (e) e();
  }
}

void worker_pool::watch() {
  auto next_probe = std::chrono::steady_clock::now() + settings_.health_period;
  std::unique_lock lock(watch_mutex_);
  while (!watch_stopping_) {
    watch_wake_.wait_for(lock, settings_.watchdog_period);
    if (watch_stopping_) break;
    lock.unlock();
    const auto now = std::chrono::steady_clock::now();
    for (auto& w : workers_) expire_old(*w, now);
    if (now >= next_probe && health_) {
      next_probe = now + settings_.health_period;
      for (std::size_t i = 0; i < workers_.size(); ++i) {
        auto* w = workers_[i].get();
        std::lock_guard wl(w->mutex);
        if (w->stopping) continue;
        w->queue.push_back({[this, w](std::size_t index) {
                              // A failed probe reads as unhealthy at once, not 3 periods later.
                              w->last_ok_ns =
                                  health_(index) ? ticks(std::chrono::steady_clock::now()) : 0;
                            },
                            nullptr, now, /*key=*/0, /*probe=*/true});
        w->wake.notify_one();
      }
    }
    lock.lock();
  }
}

bool worker_pool::healthy() const {
  const auto limit =
      ticks(std::chrono::steady_clock::now()) -
      std::chrono::duration_cast<std::chrono::nanoseconds>(3 * settings_.health_period).count();
  for (const auto& w : workers_)
    if (w->last_ok_ns.load(std::memory_order_relaxed) < limit) return false;
  return true;
}

std::size_t worker_pool::queued() const {
  std::size_t n = 0;
  for (const auto& w : workers_) {
    std::lock_guard lock(w->mutex);
    n += w->queue.size();
  }
  return n;
}

void worker_pool::stop() {
  {
    std::lock_guard lock(watch_mutex_);
    if (watch_stopping_) return;
    watch_stopping_ = true;
  }
  watch_wake_.notify_all();
  if (watchdog_.joinable()) watchdog_.join();
  for (auto& w : workers_) {
    {
      std::lock_guard lock(w->mutex);
      w->stopping = true;
    }
    w->wake.notify_all();
  }
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

}  // namespace chatgate::store
