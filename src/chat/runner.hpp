#pragma once
#include <functional>
#include <string_view>

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
