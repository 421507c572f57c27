#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chatgate::chat {

class chat_service;

/// Where chat_service calls run. The server runs them on store workers (pooled_runner), off the
/// io threads; unit tests run them at once (inline_runner), so the code above is tested the same
/// way whichever runs it.
class runner {
 public:
  /// send: a write that may wait, inside a group commit, for the batch's other sends
  /// (chat_service::defer_sends); ordered with writes of the same key like any write.
  enum class access { read, write, send };
  using task = std::function<void(chat_service&)>;
  using expired = std::function<void()>;
  virtual ~runner() = default;

  /// Runs `t` on a chat_service whose store connection no other call uses meanwhile. Calls with
  /// the same access and key (a conversation, message or user id) run in submission order.
  /// `e` runs instead of `t` when the call waited past the store timeout (then `t` never runs).
  /// False when refused at once (queue full, stopping): neither runs.
  virtual bool submit(access a, std::string_view key, task t, expired e) = 0;

  /// One call of submit_all(); `accepted` is its answer.
  struct call {
    access a;
    std::string key;
    task t;
    expired e;
    bool accepted = false;
  };
  /// submit() of each call, in order. A runner with queues may hand them over together (one
  /// lock and one wake-up per worker rather than per call), so that calls made in one io-loop
  /// pass reach a worker at once and share its next batch.
  virtual void submit_all(std::vector<call>& calls) {
    for (auto& c : calls) c.accepted = submit(c.a, c.key, std::move(c.t), std::move(c.e));
  }
};

/// Runs each call at once on the caller's thread.
class inline_runner final : public runner {
 public:
  explicit inline_runner(chat_service& chat) : chat_(chat) {}
  bool submit(access, std::string_view, task t, expired) override {
    t(chat_);
    return true;
  }

 private:
  chat_service& chat_;
};

}  // namespace chatgate::chat
