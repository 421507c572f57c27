#include <gtest/gtest.h>

#include "fake_engine_socket.hpp"
#include "socketio/in_memory_adapter.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {
namespace {

using testing::harness;

// What a cluster adapter looks like: local delivery through the base class, plus forwarding.
class forwarding_adapter : public in_memory_adapter {
 public:
  forwarding_adapter(namespace_& nsp, std::vector<std::string>& log)
      : in_memory_adapter(nsp), log_(log) {}

  void broadcast(const packet& p, const broadcast_options& opts) override {
    in_memory_adapter::broadcast(p, opts);
    if (!opts.flags.local) log_.push_back("publish " + encode_text(p));
  }
  void add_sockets(const broadcast_options& opts, const std::vector<std::string>& rooms) override {
    in_memory_adapter::add_sockets(opts, rooms);
    log_.push_back("publish join " + rooms.front());
  }
  void server_side_emit(const packet& p) override {
    log_.push_back("server-side " + encode_text(p));
  }

  /// A broadcast another instance published: delivered locally, not forwarded again.
  void receive(const packet& p, const broadcast_options& opts) {
    in_memory_adapter::broadcast(p, opts);
  }

 private:
  std::vector<std::string>& log_;
};

TEST(socketio_adapter, a_derived_adapter_sees_every_operation_and_delivers_locally) {
  std::vector<std::string> log;
  harness h;
  h.io.set_adapter(
      [&log](namespace_& nsp) { return std::make_unique<forwarding_adapter>(nsp, log); });
  std::shared_ptr<socket> s;
  h.io.of("/").on_connection([&](std::shared_ptr<socket> x) {
    s = x;
    x->join("room");
  });
  auto conn = h.connect();
  h.io.of("/").to("room").emit("m", {1});
  h.io.of("/").local().emit("n");
  h.io.of("/").in("room").sockets_join("other");
  EXPECT_EQ(log, (std::vector<std::string>{R"(publish 2["m",1])", "publish join other"}));
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(2["m",1])", R"(2["n"])"}));
  EXPECT_TRUE(s->rooms().count("other"));

  auto& remote = static_cast<forwarding_adapter&>(h.io.of("/").adapter());
  broadcast_options opts;
  opts.rooms.insert("other");
  remote.receive(make_event_packet("/", "from-afar", {2}), opts);
  EXPECT_EQ(conn->take(), (std::vector<std::string>{R"(2["from-afar",2])"}));
  EXPECT_EQ(log.size(), 2u);
}

TEST(socketio_adapter, server_side_events_go_out_and_come_in) {
  std::vector<std::string> log;
  harness h;
  h.io.set_adapter(
      [&log](namespace_& nsp) { return std::make_unique<forwarding_adapter>(nsp, log); });
  auto& nsp = h.io.of("/admin");  // created after set_adapter: gets the factory too
  nsp.server_side_emit("sync", {"x"});
  EXPECT_EQ(log, (std::vector<std::string>{R"(server-side 2/admin,["sync","x"])"}));

  std::vector<std::string> seen;
  nsp.on_server_side([&](std::string_view event, const args& a) {
    seen.push_back(std::string(event) + ":" + std::string(a.at(0).as_string()));
  });
  nsp.adapter().on_server_side(make_event_packet("/admin", "hello", {"y"}));
  EXPECT_EQ(seen, (std::vector<std::string>{"hello:y"}));
}

TEST(socketio_adapter, in_memory_default_has_no_other_instance) {
  harness h;
  auto conn = h.connect();
  h.io.of("/").server_side_emit("x");  // no-op, nothing sent to clients
  EXPECT_TRUE(conn->sent.empty());
  EXPECT_EQ(h.io.of("/").adapter().sockets({}).size(), 1u);
}

}  // namespace
}  // namespace chatgate::socketio
