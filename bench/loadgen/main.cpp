// chatgate_loadgen: a native Socket.IO load generator (Engine.IO v4 / Socket.IO v5 over websocket,
// spoken directly on TCP sockets: bench/loadgen/client.hpp), many sockets in one single-threaded
// process. Driven by bench/load (--generator native): reads a JSON spec, connects every client,
// prints `ready {...}`, waits for `go` on stdin, lets the senders send for durationMs with `window`
// messages unacked each (closed loop) or at `rate` messages/s each (open loop), drains, prints
// `result {...}` and writes the raw latency samples (float64, ms) to
// <latencyFile>.{lat,sender,ack}. Every group's members must be in the same process: it checks that
// each member received each acked seq of its conversation exactly once.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "client.hpp"

namespace net = boost::asio;
namespace json = boost::json;
using chatgate::loadgen::client;
using chatgate::loadgen::now_ms;
using chatgate::loadgen::tally;

namespace {

struct run {
  net::io_context io;
  tally t;
  json::object spec;
  std::vector<std::shared_ptr<client>> clients;
  std::size_t next = 0, connected = 0, failed = 0, done = 0;
  json::array errors;
  double connect_start = 0, go_at = 0, send_end = 0;
  rusage cpu0{};
  std::unique_ptr<net::steady_timer> timer;
  std::unique_ptr<net::steady_timer> pace;  // open loop: every millisecond
};

double cpu_ms(const rusage& r) {
  auto ms = [](const timeval& tv) { return tv.tv_sec * 1e3 + tv.tv_usec / 1e3; };
  return ms(r.ru_utime) + ms(r.ru_stime);
}

void connect_next(run& r, const net::ip::tcp::endpoint& to, const std::string& host) {
  if (r.next >= r.clients.size()) return;
  auto c = r.clients[r.next++];
  c->start(to, host, [&r, to, host](bool ok, const std::string& why) {
    if (ok)
      ++r.connected;
    else
      ++r.failed;
    if (!ok && r.errors.size() < 5) r.errors.emplace_back(why);
    if (++r.done == r.clients.size()) {
      json::object ready{{"connected", r.connected},
                         {"failed", r.failed},
                         {"errors", r.errors},
                         {"connectMs", now_ms() - r.connect_start}};
      std::cout << "ready " << json::serialize(ready) << std::endl;
    }
    connect_next(r, to, host);
  });
}

void write_samples(const std::string& path, const std::vector<double>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 8));
}

void report(run& r) {
  std::uint64_t missing = 0, unexpected = 0;
  for (const auto& c : r.clients) {
    const auto it = r.t.acked_seqs.find(c->conversation());
    std::uint64_t matched = 0, distinct = 0;
    const auto& seen = c->seen();
    if (it != r.t.acked_seqs.end())
      for (auto seq : it->second) {
        if (static_cast<std::size_t>(seq) < seen.size() && seen[seq])
          ++matched;
        else
          ++missing;
      }
    for (auto v : seen) distinct += v ? 1 : 0;
    unexpected += distinct - matched;
  }
  rusage now{};
  getrusage(RUSAGE_SELF, &now);
  const double wall = now_ms() - r.go_at;
  const std::string base = r.spec.at("latencyFile").as_string().c_str();
  write_samples(base + ".lat", r.t.latency);
  write_samples(base + ".sender", r.t.sender_latency);
  write_samples(base + ".ack", r.t.ack_latency);
  json::object out{{"sent", r.t.sent},
                   {"acked", r.t.acked},
                   {"ackFailed", r.t.ack_failed},
                   {"delivered", r.t.delivered},
                   {"duplicates", r.t.duplicates},
                   {"missing", missing},
                   {"unexpected", unexpected},
                   {"errorEvents", r.t.error_events},
                   {"disconnects", r.t.disconnects},
                   {"firstError", r.t.first_error},
                   {"sendEndMs", r.send_end - r.go_at},
                   {"wallMs", wall},
                   {"cpuUtil", (cpu_ms(now) - cpu_ms(r.cpu0)) / wall}};
  if (const auto* want = r.spec.if_contains("reportSeqs"); want && want->as_bool()) {
    json::object seqs;
    for (const auto& [conv, list] : r.t.acked_seqs) seqs[conv] = json::value_from(list);
    out["ackedSeqs"] = std::move(seqs);
  }
  std::cout << "result " << json::serialize(out) << std::endl;
  std::_Exit(0);  // the sockets die with the process; the server is stopped next anyway
}

std::uint64_t expected_deliveries(const run& r) {
  std::unordered_map<std::string, std::uint64_t> members;
  for (const auto& c : r.clients) ++members[c->conversation()];
  std::uint64_t n = 0;
  for (const auto& [conv, seqs] : r.t.acked_seqs) n += seqs.size() * members[conv];
  return n;
}

/// Every 10 ms after the sending time: waits for the acks in flight, then for the deliveries.
void watch(run& r, double drain_until) {
  r.timer->expires_after(std::chrono::milliseconds(10));
  r.timer->async_wait([&r, drain_until](boost::system::error_code) {
    if (r.send_end == 0) {
      int in_flight = 0;
      for (const auto& c : r.clients) in_flight += c->in_flight();
      if (in_flight == 0 || now_ms() > drain_until) r.send_end = now_ms();
    }
    if (r.send_end != 0 && (r.t.delivered >= expected_deliveries(r) || now_ms() > drain_until))
      return report(r);
    watch(r, drain_until);
  });
}

/// Open loop: each sender sends `rate` messages/s from its phase on, paced every millisecond, acked
/// or not (at most 1,000 unacked per sender, so that a stalled server does not grow the queue
/// forever).
void pace(run& r, double rate, const std::string& content) {
  r.pace->expires_after(std::chrono::milliseconds(1));
  r.pace->async_wait([&r, rate, content](boost::system::error_code) {
    if (r.t.stopping) return;
    const double elapsed = now_ms() - r.go_at;
    for (const auto& c : r.clients) {
      if (!c->sender() || elapsed < c->phase_ms()) continue;
      const auto due = static_cast<std::int64_t>((elapsed - c->phase_ms()) * rate / 1000.0) + 1 -
                       static_cast<std::int64_t>(c->issued());
      const auto room = 1000 - c->in_flight();
      if (due > 0 && room > 0)
        c->send_now(static_cast<int>(std::min<std::int64_t>(due, room)), content);
    }
    pace(r, rate, content);
  });
}

void go(run& r) {
  const auto window = static_cast<int>(r.spec.at("window").to_number<double>());
  const auto duration = r.spec.at("durationMs").to_number<double>();
  const std::string content = r.spec.at("content").as_string().c_str();
  getrusage(RUSAGE_SELF, &r.cpu0);
  r.go_at = now_ms();
  r.t.recording = true;
  const auto* rate = r.spec.if_contains("rate");
  const double per_sender = rate ? rate->to_number<double>() : 0;
  if (per_sender > 0) {
    r.pace = std::make_unique<net::steady_timer>(r.io);
    pace(r, per_sender, content);
  } else {
    for (const auto& c : r.clients)
      if (c->sender()) c->start_sending(window, content);
  }
  r.timer = std::make_unique<net::steady_timer>(r.io);
  r.timer->expires_after(std::chrono::milliseconds(static_cast<long>(duration)));
  r.timer->async_wait([&r, duration](boost::system::error_code) {
    r.t.stopping = true;
    watch(r, r.go_at + duration + 15000);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr
        << "usage: chatgate_loadgen <spec.json>   (driven by bench/load --generator native)\n";
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  run r;
  r.spec = json::parse(text.str()).as_object();
  for (const auto& v : r.spec.at("clients").as_array()) {
    const auto& o = v.as_object();
    const auto* phase = o.if_contains("phaseMs");
    r.clients.push_back(std::make_shared<client>(
        r.io, r.t, o.at("token").as_string().c_str(), o.at("conv").as_string().c_str(),
        o.at("sender").as_bool(), phase ? phase->to_number<double>() : 0.0));
  }
  const std::string host = r.spec.at("host").as_string().c_str();
  const net::ip::tcp::endpoint to(net::ip::make_address(host),
                                  static_cast<unsigned short>(r.spec.at("port").to_number<int>()));
  r.connect_start = now_ms();
  const auto lanes = static_cast<std::size_t>(r.spec.at("concurrency").to_number<int>());
  for (std::size_t i = 0; i < lanes; ++i) connect_next(r, to, host);
  // stdin's "go" starts the sending, on the io thread.
  std::thread([&r] {
    std::string line;
    while (std::getline(std::cin, line))
      if (line == "go") return net::post(r.io, [&r] { go(r); });
  }).detach();
  auto guard = net::make_work_guard(r.io);
  r.io.run();
}
