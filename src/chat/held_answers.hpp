#pragma once
#include <functional>
#include <vector>

#include "chat/posting_events.hpp"

namespace chatgate::chat {

/// Group commit's other half: while a store worker runs a batch of calls inside one transaction,
/// their answers and events must not leave before that transaction commits (an ack means
/// stored). async_chat and posting_events hand them to the batch's held_answers instead of
/// posting them; after the commit the worker releases them, in order: each `ok` when the commit
/// succeeded, else each `failed` (an INTERNAL_ERROR answer; events are dropped: nothing was
/// stored). The release is one chat::post_batch: posters made with chat::batching() send a
/// batch's events in one post and its answers in another, events first. One per store worker;
/// current() is per thread.
class held_answers {
 public:
  /// The batch the calling thread is running, or null (then post at once).
  static held_answers* current();
  /// Marks `h` (or none) as the calling thread's running batch.
  static void set_current(held_answers* h);

  void hold(poster post, std::function<void()> ok, std::function<void()> failed);
  /// Posts what was held, in order (one post per destination: chat::post_batch), and forgets it.
  void release(bool committed);
  bool empty() const { return held_.empty(); }

 private:
  struct entry {
    poster post;
    std::function<void()> ok;
    std::function<void()> failed;  // may be empty: nothing to say when the commit failed
  };
  std::vector<entry> held_;
};

}  // namespace chatgate::chat
