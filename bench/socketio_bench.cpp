// Socket.IO codec and broadcast micro-benchmarks, no sockets: sessions are null engineio
// sockets that count what they are given.
#include <benchmark/benchmark.h>

#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include "socketio/decoder.hpp"
#include "socketio/packet.hpp"
#include "socketio/server.hpp"
#include "socketio/socket.hpp"

namespace {

using namespace chatgate;

class null_session : public engineio::socket {
 public:
  explicit null_session(std::string id) : id_(std::move(id)) {}
  const std::string& id() const override { return id_; }
  const engineio::handshake_info& handshake() const override { return handshake_; }
  std::string_view transport_name() const override { return "websocket"; }
  void send_text(engineio::shared_bytes data) override { last_ = std::move(data), ++sent_; }
  void send_binary(engineio::shared_bytes data) override { last_ = std::move(data), ++sent_; }
  void close() override {}
  std::size_t sent_ = 0;

 private:
  std::string id_;
  engineio::handshake_info handshake_;
  engineio::shared_bytes last_;
};

// A `message:new` as the gateway sends it (contract §4).
boost::json::object typical_message() {
  return boost::json::parse(
             R"({"id":"65a1f0c2e4b0a1b2c3d4e5f6","conversationId":"65a1f0c2e4b0a1b2c3d4e5f7",
    "seq":42,"senderId":"alice","content":"Hello there, are we still on for the review at 3pm?",
    "attachments":[{"externalFileId":"f-1","label":"a.png"}],"replyTo":null,"metadata":{},
    "isEdited":false,"isDeleted":false,"createdAt":"2026-11-25T21:04:05.123Z",
    "updatedAt":"2026-11-25T21:04:05.123Z","deletedAt":null})")
      .as_object();
}

void encode_event(benchmark::State& state) {
  auto msg = typical_message();
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto enc = socketio::encode(socketio::make_event_packet("/", "message:new", {msg}));
    bytes += enc.text->size();
    benchmark::DoNotOptimize(enc);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(encode_event);

void decode_event(benchmark::State& state) {
  std::string text = R"(2/,17["message:send",{"conversationId":"65a1f0c2e4b0a1b2c3d4e5f7",)"
                     R"("content":"Hello there, are we still on for the review at 3pm?",)"
                     R"("attachments":[{"externalFileId":"f-1","label":"a.png"}],"metadata":{}}])";
  socketio::decoder d;
  for (auto _ : state) {
    auto p = d.add_text(text);
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(decode_event);

void decode_binary_event(benchmark::State& state) {
  std::string header = R"(51-["upload",{"name":"a.png"},{"_placeholder":true,"num":0}])";
  std::string blob(64 * 1024, 'x');
  socketio::decoder d;
  for (auto _ : state) {
    (void)d.add_text(header);
    auto p = d.add_binary(blob);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(decode_binary_event);

struct crowd {
  explicit crowd(int n) : io(ioc.get_executor(), {}) {
    for (int i = 0; i < n; ++i) {
      auto s = std::make_shared<null_session>("s" + std::to_string(i));
      io.accept(s);
      s->on_text("0");
      sessions.push_back(s);
    }
    for (const auto& s : io.of("/").sockets()) s.second->join("conversation:1");
  }
  std::size_t total_sent() const {
    std::size_t n = 0;
    for (const auto& s : sessions) n += s->sent_;
    return n;
  }
  boost::asio::io_context ioc;
  socketio::server io;
  std::vector<std::shared_ptr<null_session>> sessions;
};

// One event to a room of N local sockets: encoded once, the buffer queued N times.
void broadcast_room(benchmark::State& state) {
  crowd c(static_cast<int>(state.range(0)));
  auto msg = typical_message();
  for (auto _ : state) c.io.of("/").to("conversation:1").emit("message:new", {msg});
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["recipients"] = static_cast<double>(state.range(0));
}
BENCHMARK(broadcast_room)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);

// For comparison: the same fan-out as N socket.emit calls (one encoding per recipient).
void emit_each(benchmark::State& state) {
  crowd c(static_cast<int>(state.range(0)));
  auto msg = typical_message();
  std::vector<std::shared_ptr<socketio::socket>> sockets;
  for (const auto& s : c.io.of("/").sockets()) sockets.push_back(s.second);
  for (auto _ : state) {
    for (const auto& s : sockets) s->emit("message:new", {msg});
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(emit_each)->Arg(10'000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
