#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace chatgate::socketio {
class shared_encodings;
}

namespace chatgate::cluster {

/// The io threads' mail (IO_THREADS > 1; Seastar's cross-shard messages, Envoy's posts to each
/// worker). Two kinds of message:
///
/// - publish(): a store event (message:new, conversation:new, ...) runs on every shard. Publishes
///   are numbered under one mutex and posted to every shard inside it, so every shard runs them in
///   the same order; shard k counts those it has run (seen(k)).
/// - relay(): one shard's room broadcast for another shard. It carries the count of store events
///   its sender had seen, and the receiver runs it only once it has seen as many: a `typing`
///   emitted after a `message:new` on one shard never reaches a socket on another shard before
///   that `message:new`. Relays from one sender keep their order (one FIFO per receiver).
///
/// A published event runs inside a socketio::shared_encodings scope shared by every shard (with
/// more than one): the packets it emits through socket_events are encoded by the first shard
/// that needs them and the same buffers are queued by the others.
///
/// Per-shard state (seen, held relays) is touched only on its shard's thread: no lock on the hot
/// path except the publish mutex, taken once per store event (not per recipient).
class shard_bus {
 public:
  /// One executor per shard (shard k = executors[k]).
  explicit shard_bus(std::vector<boost::asio::any_io_executor> executors);
  shard_bus(const shard_bus&) = delete;
  shard_bus& operator=(const shard_bus&) = delete;

  std::size_t size() const { return shards_.size(); }
  const boost::asio::any_io_executor& executor(std::size_t k) const { return shards_[k]->executor; }

  /// Any thread: runs `fn` on every shard, in the same order relative to other publishes on
  /// every shard. Inside `fn`, current() names the shard it runs on. Its signature is
  /// chat::poster's, so the store workers' posting_events can publish through it.
  void publish(std::function<void()> fn);
  /// Any thread: publish() of each of `fns`, in order, as one handler per shard (a group
  /// commit's events: every message is broadcast before the shard's sockets are flushed).
  void publish_all(std::vector<std::function<void()>> fns);
  /// Inside a published function: the shard it runs on (npos elsewhere).
  static std::size_t current();
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  /// On shard `from`'s thread: runs `fn` on shard `to` once `to` has run every store event
  /// `from` had run or was running when relay() was called.
  void relay(std::size_t from, std::size_t to, std::function<void()> fn);

  /// On shard k's thread: store events run there so far.
  std::uint64_t seen(std::size_t k) const { return shards_[k]->seen; }
  /// On shard k's thread: relays waiting there for store events (bounded by what senders sent
  /// before those events arrive: a relay waits at most for events already posted to it).
  std::size_t held(std::size_t k) const { return shards_[k]->held.size(); }
  /// Store events published so far (any thread).
  std::uint64_t published() const;

 private:
  struct held_relay {
    std::uint64_t after;  // run once seen >= after
    std::function<void()> fn;
  };
  struct shard {
    boost::asio::any_io_executor executor;
    std::uint64_t seen = 0;       // owner thread only
    std::deque<held_relay> held;  // owner thread only, FIFO
  };
  /// On shard k: runs one published event (counted, inside its encodings scope), then the
  /// relays that waited for it.
  void run_published(std::size_t k, const std::function<void()>& fn,
                     socketio::shared_encodings* encodings);
  void arrive(shard& s, held_relay r);
  void flush(shard& s);

  std::vector<std::unique_ptr<shard>> shards_;
  mutable std::mutex publish_mutex_;
  std::uint64_t published_ = 0;  // under publish_mutex_
};

}  // namespace chatgate::cluster
