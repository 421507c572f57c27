#include "cluster/shard_bus.hpp"

#include <boost/asio/post.hpp>

#include "socketio/shared_encodings.hpp"

namespace chatgate::cluster {

namespace {

/// The shard whose published function runs on this thread now (shard_bus::current()).
thread_local std::size_t running_shard = shard_bus::npos;

}  // namespace

shard_bus::shard_bus(std::vector<boost::asio::any_io_executor> executors) {
  shards_.reserve(executors.size());
  for (auto& e : executors) {
    auto s = std::make_unique<shard>();
    s->executor = std::move(e);
    shards_.push_back(std::move(s));
  }
}

std::size_t shard_bus::current() {
  return running_shard;
}

void shard_bus::publish(std::function<void()> fn) {
  auto shared = std::make_shared<const std::function<void()>>(std::move(fn));
  // The event's packets, encoded by the first shard that emits them and queued by every shard
  // (none with one shard: nothing to share).
  auto encodings = shards_.size() > 1 ? std::make_shared<socketio::shared_encodings>() : nullptr;
  // Posting inside the lock is what gives every shard the same order.
  std::lock_guard lock(publish_mutex_);
  ++published_;
  for (std::size_t k = 0; k < shards_.size(); ++k) {
    boost::asio::post(shards_[k]->executor,
                      [this, k, shared, encodings] { run_published(k, *shared, encodings.get()); });
  }
}

void shard_bus::publish_all(std::vector<std::function<void()>> fns) {
  if (fns.empty()) return;
  struct batch {
    std::vector<std::function<void()>> fns;
    std::vector<socketio::shared_encodings> encodings;  // one per event, with several shards
  };
  auto shared = std::make_shared<batch>();
  shared->fns = std::move(fns);
  if (shards_.size() > 1)
    shared->encodings = std::vector<socketio::shared_encodings>(shared->fns.size());
  std::lock_guard lock(publish_mutex_);
  published_ += shared->fns.size();
  for (std::size_t k = 0; k < shards_.size(); ++k) {
    boost::asio::post(shards_[k]->executor, [this, k, shared] {
      for (std::size_t i = 0; i < shared->fns.size(); ++i)
        run_published(k, shared->fns[i],
                      shared->encodings.empty() ? nullptr : &shared->encodings[i]);
    });
  }
}

void shard_bus::run_published(std::size_t k, const std::function<void()>& fn,
                              socketio::shared_encodings* encodings) {
  auto& s = *shards_[k];
  // Counted before it runs: a relay sent while it runs (a typing stop after message:new) waits
  // for this event on the receiver too.
  ++s.seen;
  const auto outer = running_shard;
  running_shard = k;
  if (encodings) {
    socketio::shared_encodings::scope scope(*encodings);
    fn();
  } else {
    fn();
  }
  running_shard = outer;
  flush(s);
}

std::uint64_t shard_bus::published() const {
  std::lock_guard lock(publish_mutex_);
  return published_;
}

void shard_bus::relay(std::size_t from, std::size_t to, std::function<void()> fn) {
  held_relay r{shards_[from]->seen, std::move(fn)};
  boost::asio::post(shards_[to]->executor,
                    [this, to, r = std::move(r)]() mutable { arrive(*shards_[to], std::move(r)); });
}

void shard_bus::arrive(shard& s, held_relay r) {
  if (s.held.empty() && s.seen >= r.after) return r.fn();
  s.held.push_back(std::move(r));
}

void shard_bus::flush(shard& s) {
  while (!s.held.empty() && s.held.front().after <= s.seen) {
    auto fn = std::move(s.held.front().fn);
    s.held.pop_front();
    fn();
  }
}

}  // namespace chatgate::cluster
