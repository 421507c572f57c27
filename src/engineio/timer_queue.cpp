#include "engineio/timer_queue.hpp"

#include <algorithm>

namespace chatgate::engineio {

timer_queue::timer_queue(boost::asio::any_io_executor executor, handler on_due, now_function now)
    : executor_(executor), on_due_(std::move(on_due)), now_(now), timer_(std::move(executor)) {}

timer_queue::~timer_queue() = default;

void timer_queue::schedule(std::weak_ptr<void> owner, std::uint32_t slot, time_point deadline) {
  heap_.push_back(entry{deadline, std::move(owner), slot});
  std::push_heap(heap_.begin(), heap_.end(), later{});
  if (deadline < armed_for_) arm();
}

void timer_queue::arm() {
  if (heap_.empty()) {
    armed_for_ = time_point::max();
    return;
  }
  armed_for_ = heap_.front().deadline;
  const auto generation = ++generation_;
  timer_.expires_at(armed_for_);  // cancels the earlier wait, if any
  timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_), generation](const boost::system::error_code& ec) {
        if (ec || !alive.lock() || generation != generation_) return;
        armed_for_ = time_point::max();
        run_due(now_());
      });
}

void timer_queue::run_due(time_point now) {
  // Popped before the handler runs: a handler may schedule (and so push onto the heap).
  while (!heap_.empty() && heap_.front().deadline <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), later{});
    entry due = std::move(heap_.back());
    heap_.pop_back();
    if (auto owner = due.owner.lock()) on_due_(owner, due.slot, due.deadline);
  }
  // Shrink after a burst (e.g. 15,000 sessions gone): the heap keeps no memory of its peak.
  if (heap_.capacity() > 64 && heap_.size() < heap_.capacity() / 4) heap_.shrink_to_fit();
  if (heap_.empty() || heap_.front().deadline != armed_for_) arm();
}

}  // namespace chatgate::engineio
