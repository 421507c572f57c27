#include "engineio/admission.hpp"

namespace chatgate::engineio {

std::chrono::milliseconds admission::acquire(const boost::asio::ip::address& from,
                                             handshake_limiter::clock::time_point now) {
  std::lock_guard lock(mutex_);
  return limiter_.acquire(from, now);
}

std::size_t admission::tracked() const {
  std::lock_guard lock(mutex_);
  return limiter_.tracked();
}

}  // namespace chatgate::engineio
