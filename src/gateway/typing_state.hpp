#pragma once
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace chatgate::gateway {

/// Limits of the typing indicator (contract §8).
struct typing_settings {
  /// At most one typing:start per (user, conversation) is forwarded in this time.
  std::chrono::milliseconds throttle{1000};
  /// A user stops typing this long after their last typing:start.
  std::chrono::milliseconds timeout{5000};
  /// (user, conversation) pairs tracked at once; past it a new typist is not forwarded (their
  /// ack is still success, as for a throttled start), so memory stays bounded.
  std::size_t max_entries = 100'000;
};

/// One change the room must hear: `typing` {conversationId, userId, isTyping}.
struct typing_change {
  std::string user_id;
  std::string conversation_id;
  bool is_typing = false;
};

/// Who is typing where, as the room was told (contract §8). No I/O and no timer: the caller
/// passes the time and runs expire() at next_deadline(). A pair is kept while its user types and
/// for `throttle` after its last forwarded start (to throttle a start that follows a stop), then
/// dropped. Not thread-safe: owned by the gateway's io thread.
class typing_state {
 public:
  using time_point = core::sys_time_ms;

  explicit typing_state(typing_settings s = {}) : settings_(s) {}

  /// typing:start at `now`. True when the room must hear isTyping:true: the first start, or one
  /// at least `throttle` after the last forwarded one. Every start, forwarded or not, moves the
  /// end of a current typing to now + timeout. A start within `throttle` of the last forwarded
  /// one while not typing (a quick stop/start) is dropped and changes nothing.
  bool start(std::string_view user, std::string_view conversation, time_point now);
  /// typing:stop, or a message of the user in the conversation: true when the user was typing
  /// (the room must hear isTyping:false).
  bool stop(std::string_view user, std::string_view conversation, time_point now);
  bool is_typing(std::string_view user, std::string_view conversation) const;
  /// Whether the user has any pair tracked.
  bool has_user(std::string_view user) const;
  /// The user's last socket went: ends every typing of the user; answers the conversations.
  std::vector<std::string> stop_all(std::string_view user);
  /// Ends the typings whose timeout passed by `now` and forgets pairs past their throttle.
  std::vector<typing_change> expire(time_point now);
  /// When expire() has something to do next; nullopt when nothing is tracked.
  std::optional<time_point> next_deadline() const;
  /// Pairs tracked.
  std::size_t size() const { return entries_.size(); }

 private:
  using key = std::pair<std::string, std::string>;  // (user, conversation)
  struct entry {
    bool typing = false;
    time_point last_forwarded{};
    time_point ends{};  // typing: now + timeout of the last start
  };

  /// When the entry needs attention: its end while typing, else when its throttle lapses.
  time_point deadline(const entry& e) const;
  void index(const key& k, const entry& e) { deadlines_.emplace(deadline(e), k); }
  void unindex(const key& k, const entry& e) { deadlines_.erase({deadline(e), k}); }

  typing_settings settings_;
  std::map<key, entry, std::less<>> entries_;
  std::set<std::pair<time_point, key>> deadlines_;  // one per entry
};

}  // namespace chatgate::gateway
