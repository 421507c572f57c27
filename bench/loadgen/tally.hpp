#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace chatgate::loadgen {

/// What one load generator process counts (single-threaded: only its io thread touches it).
struct tally {
  bool recording = false;  // from "go" on
  bool stopping = false;   // the sending time is over: no new sends
  std::uint64_t sent = 0;
  std::uint64_t acked = 0;
  std::uint64_t ack_failed = 0;
  std::uint64_t delivered = 0;   // message:new received while recording
  std::uint64_t duplicates = 0;  // the same (receiver, seq) a second time
  std::uint64_t error_events = 0;
  std::uint64_t disconnects = 0;  // a connected socket lost before the end
  std::string first_error;
  std::vector<double> latency;         // send -> message:new at a member that does not send (ms)
  std::vector<double> sender_latency;  // send -> message:new at the sending socket
  std::vector<double> ack_latency;     // send -> ack
  /// conversation id -> seqs acked to its sender: what every member must receive once.
  std::unordered_map<std::string, std::vector<std::int64_t>> acked_seqs;
};

/// CLOCK_MONOTONIC in ms (the clock node's process.hrtime reads too).
double now_ms();

}  // namespace chatgate::loadgen
