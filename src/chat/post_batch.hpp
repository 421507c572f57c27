#pragma once
#include <functional>
#include <utility>
#include <vector>

namespace chatgate::chat {

/// A destination of posted closures (an io thread, or every io thread through the shard bus)
/// that can also take several closures in one post: they run in order, in one handler there.
struct batch_destination {
  /// Posts one closure.
  std::function<void(std::function<void()>)> one;
  /// Posts several closures that run in order, one after the other, in one handler.
  std::function<void(std::vector<std::function<void()>>)> all;
  /// In a batch, destinations of a lower rank are posted first (store events: 0, answers: 1, so
  /// that an ack never overtakes the broadcast of its message).
  int rank = 0;
};

/// Group commit's posts, gathered: while a post_batch is open on a thread, the posters made by
/// batching() add their closures to it instead of posting them; when it closes (or flush()), each
/// destination gets its closures in one post, in the order they were added, destinations by rank
/// (then in the order they were first used). One store worker's batch of 160 sends then reaches
/// the io thread as one handler that broadcasts every message before the sockets are flushed, so
/// a recipient gets all of them in one write, not one write per message.
///
/// Order kept: per destination, as added; across destinations only by rank (a closure of rank 1
/// may run after a rank-0 closure that was added after it: answers wait for the batch's events).
/// Not thread-safe: one per thread, on the stack (it nests: an inner one adds to the outer).
class post_batch {
 public:
  post_batch();
  ~post_batch();
  post_batch(const post_batch&) = delete;
  post_batch& operator=(const post_batch&) = delete;

  /// The batch open on the calling thread, or null.
  static post_batch* current();

  void add(const batch_destination& to, std::function<void()> f);
  /// Posts what was added and forgets it (the destructor calls it).
  void flush();

 private:
  std::vector<std::pair<const batch_destination*, std::vector<std::function<void()>>>> lists_;
  post_batch* outer_;
};

/// A poster to `to` (which must outlive it) that joins the calling thread's open post_batch, if
/// any, and posts at once otherwise.
std::function<void(std::function<void()>)> batching(const batch_destination& to);

}  // namespace chatgate::chat
