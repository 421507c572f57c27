#pragma once
#include <cstddef>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace chatgate::gateway {

class typing_service;

/// Which io thread keeps each user's typing state (IO_THREADS > 1). A user's sockets may sit on
/// several threads; their typing (the 1 s throttle, the 5 s expiry, "the user's last socket is
/// gone") is decided on one: thread hash(user) % N, its owner. The other threads post the
/// user's typing:start / typing:stop / disconnects there (Seastar: a message to the owning
/// shard), and read whether the user types from a mirror the owners keep under one mutex
/// (taken per typing event and per change, never per message).
class typing_owners {
 public:
  /// One executor per io thread (thread k = executors[k]).
  explicit typing_owners(std::vector<boost::asio::any_io_executor> executors);

  std::size_t size() const { return executors_.size(); }
  /// The thread that keeps `user`'s typing.
  std::size_t owner_of(std::string_view user) const;
  /// Thread k's service; set on every thread before the threads run (read-only afterwards).
  void set_service(std::size_t k, typing_service* s) { services_.at(k) = s; }
  /// Runs `fn` with thread `owner`'s service, on that thread (dropped if it has none).
  void post(std::size_t owner, std::function<void(typing_service&)> fn);

  /// The mirror (any thread): whether `user` types in `conversation`, as its owner knows it.
  bool is_typing(std::string_view user, std::string_view conversation) const;
  /// The owner's changes to the mirror.
  void set_typing(std::string_view user, std::string_view conversation, bool typing);

 private:
  std::vector<boost::asio::any_io_executor> executors_;
  std::vector<typing_service*> services_;
  mutable std::mutex mutex_;
  std::set<std::pair<std::string, std::string>, std::less<>> typing_;  // under mutex_
};

}  // namespace chatgate::gateway
