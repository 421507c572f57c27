#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace chatgate::cluster::redis {

/// The requests an adapter sent on socket.io-request# and the answers it waits for on
/// socket.io-response# (Node's `requests` map): matched by requestId, finished when every expected
/// answer came or at the deadline, whichever is first. Pure: no I/O and no timer; the adapter calls
/// expire() from its timer. Bounded: at most `max_pending` requests wait at once; past it add()
/// refuses (the caller answers "incomplete" at once rather than queueing without bound).
///
/// Threads: one (the adapter's executor); not thread-safe.
class pending_requests {
 public:
  using clock = std::chrono::steady_clock;
  /// What a finished request got: the answers' bodies in arrival order, and whether all came.
  struct outcome {
    std::vector<boost::json::object> answers;
    bool complete = false;
  };
  using done_fn = std::function<void(outcome)>;

  /// `prefix` starts every request id (the adapter's uid: ids stay unique across instances).
  explicit pending_requests(std::string prefix, std::size_t max_pending = 1000);

  /// Waits for `expected` answers until `deadline`; returns the request id to send, or nullopt
  /// when max_pending requests wait already. `expected` 0 finishes at once (complete), in the call.
  std::optional<std::string> add(std::size_t expected, clock::time_point deadline, done_fn done);
  /// An answer to `request_id`: false when no request waits for it (another instance's, or one
  /// that expired). The last expected answer finishes the request (done runs in the call).
  bool answer(const std::string& request_id, boost::json::object body);
  /// Finishes, incomplete, every request whose deadline is at or before `now`; how many.
  std::size_t expire(clock::time_point now);
  /// The earliest deadline of a waiting request (arm the timer for it).
  std::optional<clock::time_point> next_deadline() const;
  std::size_t size() const { return waiting_.size(); }

 private:
  struct waiting {
    std::size_t expected = 0;
    clock::time_point deadline;
    done_fn done;
    outcome got;
  };

  std::string prefix_;
  std::size_t max_pending_;
  std::uint64_t next_id_ = 0;
  std::map<std::string, waiting> waiting_;
};

}  // namespace chatgate::cluster::redis
