#pragma once
// Internal: runs application callbacks so that an exception thrown by one (a broken invariant
// in the application, e.g. boost::json's at() on a missing key) is logged instead of unwinding
// through the Socket.IO state machine and out of io_context::run, which would end the process
// for every client. Node would crash here; one bad handler should not take the server down.
#include <exception>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

namespace chatgate::socketio::detail {

/// Calls `f`; false if it threw (logged).
template <class F>
bool guarded(std::string_view what, F&& f) noexcept {
  try {
    std::forward<F>(f)();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("socketio: {} threw: {}", what, e.what());
  } catch (...) {
    spdlog::error("socketio: {} threw a non-standard exception", what);
  }
  return false;
}

}  // namespace chatgate::socketio::detail
