#pragma once
#include <chrono>
#include <cstddef>

namespace chatgate::http {

/// Limits and timeouts of one HTTP listener and its connections.
struct listener_settings {
  /// Largest request line + header block; a larger one closes the connection (Node: 16 KiB).
  std::size_t max_header_bytes = 16 * 1024;
  /// How long a connection may sit without a request arriving (idle keep-alive, slow headers or
  /// a slow body). Not applied while a response is pending: a long-polling GET waits up to
  /// pingInterval for its answer.
  std::chrono::milliseconds idle_timeout{30'000};
  /// How long a request line + header block may take to arrive (contract §9,
  /// HEADER_TIMEOUT_MS), counted from the connection's accept for its first request and from the
  /// first byte for later ones (before that byte, idle_timeout applies). Past it the connection
  /// is closed: a client sending its headers a byte at a time holds nothing for long.
  std::chrono::milliseconds header_timeout{10'000};
  /// How long writing one response may take before the connection is dropped.
  std::chrono::milliseconds write_timeout{30'000};
  /// Pending connections queued by the kernel before accept.
  int backlog = 511;
  /// After a failed accept (EMFILE: out of file descriptors) the next one waits this long; at
  /// once it would fail at once, and the io thread would spin.
  std::chrono::milliseconds accept_retry_delay{100};
};

}  // namespace chatgate::http
