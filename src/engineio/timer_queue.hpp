#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace chatgate::engineio {

/// Every deadline of many owners (sessions, sockets) on ONE asio steady_timer: a min-heap of
/// (deadline, weak owner, slot). An owner keeps the deadline it currently wants per slot; an
/// entry that comes due calls the handler with its owner (if still alive), slot and deadline,
/// and the owner ignores it when that is no longer its deadline. So cancelling or re-arming is
/// just changing the owner's stored deadline (lazy deletion: the stale entry is dropped when it
/// comes due), and an owner that is gone leaves nothing but an entry that expires into nothing.
/// One per server instance, on its executor; never shared between threads.
class timer_queue {
 public:
  using clock = std::chrono::steady_clock;
  using time_point = clock::time_point;
  /// Called for each entry that came due whose owner is alive.
  using handler = std::function<void(const std::shared_ptr<void>& owner, std::uint32_t slot,
                                     time_point deadline)>;

  /// Where the queue and its owners read the time: steady_clock's, or a test's own.
  using now_function = time_point (*)();

  /// `now` is for tests that drive time themselves (run_due at their own time points): owners
  /// that compute deadlines from now() then never depend on how fast the test machine is.
  timer_queue(boost::asio::any_io_executor executor, handler on_due,
              now_function now = &clock::now);
  ~timer_queue();
  timer_queue(const timer_queue&) = delete;
  timer_queue& operator=(const timer_queue&) = delete;

  /// Adds an entry; the timer is re-armed when it is the earliest.
  void schedule(std::weak_ptr<void> owner, std::uint32_t slot, time_point deadline);
  /// Entries held, stale ones included (they go when due).
  std::size_t size() const { return heap_.size(); }
  const boost::asio::any_io_executor& executor() const { return executor_; }
  /// Runs the entries due at `now` (the timer calls it with now(); tests may too).
  void run_due(time_point now);
  /// The current time for deadlines on this queue (steady_clock's unless a test set another).
  time_point now() const { return now_(); }

 private:
  struct entry {
    time_point deadline;
    std::weak_ptr<void> owner;
    std::uint32_t slot;
  };
  struct later {
    bool operator()(const entry& a, const entry& b) const { return a.deadline > b.deadline; }
  };
  void arm();

  boost::asio::any_io_executor executor_;
  handler on_due_;
  now_function now_;
  std::vector<entry> heap_;
  boost::asio::steady_timer timer_;
  time_point armed_for_ = time_point::max();  // the timer's expiry while a wait is pending
  std::uint64_t generation_ = 0;              // a wait of an older generation is stale
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chatgate::engineio
