#pragma once
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>

namespace chatgate::cluster::testing {

/// An executor whose posted functions wait in a queue that the test runs by hand, in the order
/// it chooses: what real threads do only by chance (a post that overtakes another on its way to
/// a thread) becomes a step of the test.
class manual_queue : public boost::asio::execution_context {
 public:
  class executor_type {
   public:
    explicit executor_type(manual_queue& q) : q_(&q) {}
    boost::asio::execution_context& query(boost::asio::execution::context_t) const noexcept {
      return *q_;
    }
    static constexpr boost::asio::execution::blocking_t query(
        boost::asio::execution::blocking_t) noexcept {
      return boost::asio::execution::blocking.never;
    }
    executor_type require(boost::asio::execution::blocking_t::never_t) const noexcept {
      return *this;
    }
    template <class F>
    void execute(F&& f) const {
      auto held = std::make_shared<std::decay_t<F>>(std::forward<F>(f));
      q_->items_.push_back([held] { (*held)(); });
    }
    bool operator==(const executor_type& o) const noexcept { return q_ == o.q_; }
    bool operator!=(const executor_type& o) const noexcept { return q_ != o.q_; }

   private:
    manual_queue* q_;
  };

  executor_type get_executor() { return executor_type(*this); }
  std::size_t size() const { return items_.size(); }
  /// Runs the waiting function at `i` (0: the oldest).
  void run_at(std::size_t i) {
    auto f = std::move(items_.at(i));
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(i));
    f();
  }
  /// Runs everything, oldest first, including what that posts meanwhile.
  void run_all() {
    while (!items_.empty()) run_at(0);
  }

 private:
  std::deque<std::function<void()>> items_;
};

}  // namespace chatgate::cluster::testing
