#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "socketio/packet.hpp"

namespace chatgate::socketio {

/// The encoded packets of one event that several io threads emit alike (IO_THREADS > 1: the
/// shard bus runs each store event on every thread, and each emits it to its own sockets). The
/// first thread to emit the event's n-th packet builds and encodes it; the others queue the same
/// immutable buffers, so a `message:new` is serialised once for the process, not once per
/// thread. Thread-safe; a thread that finds the n-th slot being filled waits for it (the encode
/// of one packet) rather than encoding it a second time.
class shared_encodings {
 public:
  /// While alive, next() on this thread takes the packets of `cache` from the first one.
  /// Scopes nest (the outer one is restored).
  class scope {
   public:
    explicit scope(shared_encodings& cache);
    ~scope();
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    shared_encodings* outer_cache_;
    std::size_t outer_next_;
  };

  /// Inside a scope: the next packet of this thread's run of the event, named `event`; `make`
  /// builds it if no thread has yet (it is then encoded here). Outside a scope: null (the caller
  /// builds and encodes the packet itself).
  static std::shared_ptr<const encoded_packet> next(std::string_view event,
                                                    const std::function<packet()>& make);

  /// The n-th packet (named `event`) of the event. A thread whose n-th packet has another name
  /// than the stored one (its run emitted differently) gets its own encoding, not stored.
  std::shared_ptr<const encoded_packet> at(std::size_t n, std::string_view event,
                                           const std::function<packet()>& make);

  /// Packets encoded so far: one per distinct packet whatever the number of threads.
  std::size_t encodings() const;
  /// Packets handed out already encoded (by another thread, or earlier on this one).
  std::size_t reuses() const;

 private:
  struct slot {
    std::string event;
    std::shared_ptr<const encoded_packet> enc;
  };
  mutable std::mutex mutex_;
  std::vector<slot> slots_;  // under mutex_
  std::size_t encodings_ = 0;
  std::size_t reuses_ = 0;
};

}  // namespace chatgate::socketio
