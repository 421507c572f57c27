#include "socketio/shared_encodings.hpp"

namespace chatgate::socketio {

namespace {

/// The cache of the event running on this thread, and the index of its next packet here.
thread_local shared_encodings* current_cache = nullptr;
thread_local std::size_t next_index = 0;

}  // namespace

shared_encodings::scope::scope(shared_encodings& cache)
    : outer_cache_(current_cache), outer_next_(next_index) {
  current_cache = &cache;
  next_index = 0;
}

shared_encodings::scope::~scope() {
  current_cache = outer_cache_;
  next_index = outer_next_;
}

std::shared_ptr<const encoded_packet> shared_encodings::next(std::string_view event,
                                                             const std::function<packet()>& make) {
  if (!current_cache) return nullptr;
  return current_cache->at(next_index++, event, make);
}

std::shared_ptr<const encoded_packet> shared_encodings::at(std::size_t n, std::string_view event,
                                                           const std::function<packet()>& make) {
  // Built under the lock: a second thread asking for the same packet waits for the first
  // one's encoding instead of making its own (the work saved is the point of the class).
  std::lock_guard lock(mutex_);
  if (n < slots_.size()) {
    if (slots_[n].event == event) {
      ++reuses_;
      return slots_[n].enc;
    }
    ++encodings_;
    return std::make_shared<const encoded_packet>(encode(make()));
  }
  ++encodings_;
  auto enc = std::make_shared<const encoded_packet>(encode(make()));
  // A slot skipped by this thread's run (n > size) cannot be matched later: only the next one
  // is stored, so that slot n always holds the n-th packet.
  if (n == slots_.size()) slots_.push_back(slot{std::string(event), enc});
  return enc;
}

std::size_t shared_encodings::encodings() const {
  std::lock_guard lock(mutex_);
  return encodings_;
}

std::size_t shared_encodings::reuses() const {
  std::lock_guard lock(mutex_);
  return reuses_;
}

}  // namespace chatgate::socketio
