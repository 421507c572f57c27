#pragma once
#include <memory>
#include <vector>

#include "chat/chat_service.hpp"
#include "chat/held_answers.hpp"
#include "chat/runner.hpp"
#include "store/store.hpp"
#include "store/worker_pool.hpp"

namespace chatgate::chat {

/// The server's runner: one store worker thread per store connection, each with its own
/// chat_service over its own connection (so no store is shared between threads). The first
/// `writers` stores take writes, the others reads; calls are spread over them by a hash of the
/// key, so one conversation's calls stay on one worker, in order.
///
/// SQLite: one writer (SQLite has one) and readers on their own connections (WAL: readers are
/// not blocked by the writer); with worker.max_batch > 1 the writer commits the calls waiting
/// together in one transaction (group commit) and answers them after that commit.
/// PostgreSQL: a few connections that all read and write, each batching the same way (one
/// transaction for the calls waiting together).
class pooled_runner final : public runner {
 public:
  /// `stores`: opened connections, writers first. The rate limiter and the events sink are
  /// shared by every worker (both thread-safe).
  pooled_runner(std::vector<std::unique_ptr<store::store>> stores, std::size_t writers,
                const core::clock& clock, rate_limiter& limiter, chat_settings settings,
                events& sink, store::worker_settings worker);
  ~pooled_runner() override;

  bool submit(access a, std::string_view key, task t, expired e) override;
  /// The calls go to the workers' queues together (store::worker_pool::submit_all).
  void submit_all(std::vector<call>& calls) override;

  /// For /ready: every worker's store answered its last ping in time.
  bool healthy() const { return pool_.healthy(); }
  const store::worker_pool& pool() const { return pool_; }
  /// Runs what is queued, joins the workers and closes the stores.
  void stop();

 private:
  store::worker_pool::request request_for(access a, std::string_view key, task t, expired e);
  bool begin_batch(std::size_t worker);
  void end_batch(std::size_t worker);

  std::vector<std::unique_ptr<store::store>> stores_;
  std::vector<std::unique_ptr<chat_service>> services_;
  std::vector<held_answers> held_;  // per worker: a batch's answers until its commit
  store::worker_pool pool_;
};

}  // namespace chatgate::chat
