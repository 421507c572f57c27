// The adapter codec against bytes made by Node's notepack.io 3.0.1 (the parser of
// @socket.io/redis-adapter 8.3.0): each hex vector below was printed by notepack.encode() on the
// value in the comment above it.
#include "cluster/redis/adapter_frame.hpp"
#include "cluster/redis/msgpack_json.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "cluster/redis/adapter_request.hpp"
#include "socketio/args.hpp"

namespace chatgate::cluster::redis {
namespace {

namespace json = boost::json;

std::string unhex(std::string_view h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  return out;
}

// ["AbC123", {type: 2, data: ["message:new", {id: "x", seq: 42, neg: -7, f: 1.5, big: 2**40,
//   ok: true, n: null, u: undefined}, Buffer.from([1,2,3]),
//   new Date(Date.UTC(2026,10,25,21,4,5,123))], nsp: "/"},
//  {rooms: ["conversation:abc"], except: ["user:bob"], flags: {}}]
constexpr std::string_view node_frame =
    "93a641624331323383a47479706502a46461746194ab6d6573736167653a6e657787a26964a178a37365712aa36e"
    "6567f9a166cb3ff8000000000000a3626967cf0000010000000000a26f6bc3a16ec0c403010203d7ff1d5353006b"
    "074d45a36e7370a12f83a5726f6f6d7391b0636f6e766572736174696f6e3a616263a665786365707491a8757365"
    "723a626f62a5666c61677380";

TEST(adapter_frame, decodes_a_node_frame_with_every_value_kind) {
  auto f = decode_broadcast(unhex(node_frame));
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->uid, "AbC123");
  EXPECT_EQ(f->packet.nsp, "/");
  EXPECT_EQ(f->packet.type, socketio::packet_type::event);
  const auto& data = f->packet.data.get_array();
  ASSERT_EQ(data.size(), 4u);
  EXPECT_EQ(data[0], "message:new");
  EXPECT_EQ(json::serialize(data[1]),
            R"({"id":"x","seq":42,"neg":-7,"f":1.5E0,"big":1099511627776,"ok":true,"n":null})");
  EXPECT_TRUE(data[1].at("seq").is_int64());
  EXPECT_TRUE(data[1].at("f").is_double());
  EXPECT_TRUE(socketio::is_placeholder(data[2]));
  ASSERT_EQ(f->packet.attachments.size(), 1u);
  EXPECT_EQ(*f->packet.attachments[0], std::string("\x01\x02\x03", 3));
  EXPECT_EQ(data[3], "2026-11-25T21:04:05.123Z");
  EXPECT_EQ(f->opts.rooms, (std::set<std::string, std::less<>>{"conversation:abc"}));
  EXPECT_EQ(f->opts.except, (std::set<std::string, std::less<>>{"user:bob"}));
  EXPECT_FALSE(f->opts.flags.local);
}

TEST(adapter_frame, encodes_byte_for_byte_what_node_encodes) {
  socketio::packet p;
  p.data = json::array{"hello", "world"};
  socketio::broadcast_options opts;
  opts.rooms = {"user:alice"};
  // ["AbC123", {type: 2, data: ["hello", "world"], nsp: "/"},
  //  {rooms: ["user:alice"], except: [], flags: {}}]
  EXPECT_EQ(encode_broadcast("AbC123", p, opts),
            unhex("93a641624331323383a47479706502a46461746192a568656c6c6fa5776f726c64a36e7370a12f"
                  "83a5726f6f6d7391aa757365723a616c696365a665786365707490a5666c61677380"));
  // ["AbC123", {type: 2, data: ["file", Buffer.from([1,2,3]), 1.5, 3, -2], nsp: "/"},
  //  {rooms: ["a", "b"], except: ["c"], flags: {volatile: true}}]
  socketio::args a{"file"};
  a.push_binary(std::string("\x01\x02\x03", 3));
  a.push_back(1.5);
  a.push_back(3.0);  // an integral double goes out as an integer, as in JS
  a.push_back(-2);
  p = socketio::make_event_packet(
      "/", "file", socketio::args(json::array(a.begin() + 1, a.end()), a.attachments()));
  opts = {};
  opts.rooms = {"a", "b"};
  opts.except = {"c"};
  opts.flags.volatile_ = true;
  EXPECT_EQ(encode_broadcast("AbC123", p, opts),
            unhex("93a641624331323383a47479706502a46461746195a466696c65c403010203cb3ff80000000000"
                  "0003fea36e7370a12f83a5726f6f6d7392a161a162a665786365707491a163a5666c61677381a8"
                  "766f6c6174696c65c3"));
}

TEST(adapter_frame, round_trips_its_own_frames) {
  socketio::args a{json::object{{"k", json::array{1, 2.25, nullptr, "s"}}}};
  a.push_binary(std::string(300, 'x'));
  auto p = socketio::make_event_packet("/", "ev", a);
  socketio::broadcast_options opts;
  opts.rooms = {"r1", "r2"};
  opts.except = {"sid1"};
  auto f = decode_broadcast(encode_broadcast("me", p, opts));
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->uid, "me");
  EXPECT_EQ(json::serialize(f->packet.data), json::serialize(p.data));
  ASSERT_EQ(f->packet.attachments.size(), 1u);
  EXPECT_EQ(*f->packet.attachments[0], std::string(300, 'x'));
  EXPECT_EQ(f->opts.rooms, opts.rooms);
  EXPECT_EQ(f->opts.except, opts.except);
}

TEST(adapter_frame, timestamps_become_iso_strings_like_javascript) {
  std::vector<engineio::shared_bytes> att;
  auto date = [&](std::string_view hex) {
    auto v = msgpack_to_json(unhex(hex), att);
    return v ? std::string(v->as_string()) : std::string("error");
  };
  EXPECT_EQ(date("d6ff6553f100"), "2023-11-14T22:13:20.000Z");                       // timestamp 32
  EXPECT_EQ(date("d7ff1d535300692619c5"), "2025-11-25T21:04:05.123Z");               // timestamp 64
  EXPECT_EQ(date("c70cff00000000fffffff184aa5080"), "-000001-01-01T00:00:00.000Z");  // 96
  EXPECT_EQ(iso_from_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso_from_ms(8'640'000'000'000'000), "+275760-09-13T00:00:00.000Z");
  EXPECT_EQ(iso_from_ms(-8'640'000'000'000'000), "-271821-04-20T00:00:00.000Z");
}

TEST(adapter_frame, refuses_malformed_frames_with_a_reason) {
  const std::string good = unhex(node_frame);
  std::vector<std::string> bad{
      "",                               // empty
      good.substr(0, good.size() - 3),  // truncated
      good + "\x01",                    // trailing bytes
      unhex("c1"),                      // never-used byte
      unhex("92a161a162"),              // an array of 2
      unhex("93a175"
            "83a47479706503a46461746191a161a36e7370a12f"
            "80"),  // type 3 (ACK)
      unhex("93"
            "01"
            "83a47479706502a46461746191a161a36e7370a12f"
            "80"),  // uid not a string
      unhex("93a175"
            "83a47479706502a46461746190a36e7370a12f"
            "80"),  // data []
      unhex("93a175"
            "83a47479706502a46461746191a161a36e7370a12f"
            "81a5726f6f6d73a178"),  // rooms "x"
      unhex("93a175"
            "83a47479706502a46461746191a161a36e7370a12f"
            "8101c0"),  // int map key
  };
  for (const auto& b : bad) EXPECT_FALSE(decode_broadcast(b)) << json::serialize(json::value(b));
  // Found by adapter_frame_fuzz: msgpuck's mp_check accepts 0xc1 and unbounded ext headers.
  std::vector<engineio::shared_bytes> none;
  for (auto b : {"c1", "c7", "c7ff", "c705ff0102", "c8", "c80001", "c9000000", "d7ff0102", "91c1",
                 "9343a6d074ccbe9d84dde5212175", "dfffffffff", "dc0003c0c0", "a5abc"})
    EXPECT_FALSE(msgpack_to_json(unhex(b), none)) << b;
  std::string deep(msgpack_max_depth + 2, '\x91');
  deep += '\xc0';
  std::vector<engineio::shared_bytes> att;
  auto v = msgpack_to_json(deep, att);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error(), msgpack_error::too_deep);
  std::string at_limit(msgpack_max_depth, '\x91');
  at_limit += '\xc0';
  EXPECT_TRUE(msgpack_to_json(at_limit, att));
}

TEST(adapter_frame, channels_and_rooms) {
  const auto prefix = broadcast_channel_prefix("socket.io", "/");
  EXPECT_EQ(prefix, "socket.io#/#");
  socketio::broadcast_options one, two;
  one.rooms = {"user:alice"};
  two.rooms = {"a", "b"};
  EXPECT_EQ(broadcast_channel(prefix, one), "socket.io#/#user:alice#");
  EXPECT_EQ(broadcast_channel(prefix, two), "socket.io#/#");
  EXPECT_EQ(broadcast_channel(prefix, {}), "socket.io#/#");
  EXPECT_EQ(room_of_channel("socket.io#/#user:a#b#", prefix), "user:a#b");
  EXPECT_EQ(room_of_channel("socket.io#/#", prefix), "");
  EXPECT_FALSE(room_of_channel("socket.io#/admin#x#", prefix));
  EXPECT_FALSE(room_of_channel("socket.io#/#x", prefix));
}

TEST(adapter_frame, numeric_room_names_read_as_javascript_writes_them) {
  // Node's rooms may be numbers; String(n) names the room.
  const auto v = boost::json::parse("[1, 1.5, 1e21, 0.1, 12345678901234567890]");
  auto rooms = rooms_of(&v);
  ASSERT_TRUE(rooms);
  EXPECT_EQ(*rooms, (std::set<std::string, std::less<>>{"1", "1.5", "1e+21", "0.1",
                                                        "12345678901234567000"}));
}

TEST(adapter_request, decodes_node_requests_json_and_msgpack) {
  auto join = decode_request(
      R"({"uid":"emitter","type":2,"opts":{"rooms":["user:alice"],"except":[]},"rooms":["conversation:x"]})");
  ASSERT_TRUE(join) << join.error();
  EXPECT_EQ(join->type, request_type::remote_join);
  EXPECT_EQ(join->uid, "emitter");
  ASSERT_TRUE(join->opts);
  EXPECT_EQ(join->opts->rooms, (std::set<std::string, std::less<>>{"user:alice"}));
  EXPECT_EQ(join->rooms, (std::set<std::string, std::less<>>{"conversation:x"}));
  auto disc = decode_request(
      R"({"uid":"emitter","type":4,"opts":{"rooms":["user:alice"],"except":[]},"close":true})");
  ASSERT_TRUE(disc) << disc.error();
  EXPECT_TRUE(disc->close);
  auto sse = decode_request(R"({"uid":"abc","type":6,"data":["ping",{"a":1}]})");
  ASSERT_TRUE(sse) << sse.error();
  EXPECT_FALSE(sse->request_id);
  EXPECT_EQ(json::serialize(sse->packet.data), R"(["ping",{"a":1}])");
  // {uid: "XyZ789", requestId: "r1", type: 7, packet: {type: 2, data: ["ask", 1], nsp: "/"},
  //  opts: {rooms: ["room1"], except: [], flags: {timeout: 5000}}}
  auto bc = decode_request(unhex(
      "85a3756964a658795a373839a9726571756573744964a27231a47479706507a67061636b657483a4747970650"
      "2a46461746192a361736b01a36e7370a12fa46f70747383a5726f6f6d7391a5726f6f6d31a665786365707490"
      "a5666c61677381a774696d656f7574cd1388"));
  ASSERT_TRUE(bc) << bc.error();
  EXPECT_EQ(bc->type, request_type::broadcast);
  EXPECT_EQ(bc->request_id, "r1");
  EXPECT_EQ(json::serialize(bc->packet.data), R"(["ask",1])");
  EXPECT_EQ(bc->opts->rooms, (std::set<std::string, std::less<>>{"room1"}));
  auto fetch =
      decode_request(R"({"uid":"n","requestId":"q","type":5,"opts":{"rooms":[],"except":[]}})");
  ASSERT_TRUE(fetch) << fetch.error();
  EXPECT_EQ(fetch->type, request_type::remote_fetch);
  for (auto b : {"", "{", "[1]", R"({"type":"x"})", R"({"type":42})", R"({"type":6,"data":[]})",
                 R"({"type":7,"packet":{"type":2,"data":["a"]}})", R"({"type":2,"rooms":"x"})"})
    EXPECT_FALSE(decode_request(b)) << b;
}

TEST(adapter_request, encodes_requests_and_responses_as_node_does) {
  socketio::broadcast_options opts;
  opts.rooms = {"user:alice"};
  EXPECT_EQ(
      encode_remote_rooms(request_type::remote_join, "emitter", opts, {"conversation:x"}),
      R"({"uid":"emitter","type":2,"opts":{"rooms":["user:alice"],"except":[]},"rooms":["conversation:x"]})");
  EXPECT_EQ(
      encode_remote_disconnect("emitter", opts, true),
      R"({"uid":"emitter","type":4,"opts":{"rooms":["user:alice"],"except":[]},"close":true})");
  socketio::packet p;
  p.data = json::array{"ping", json::object{{"a", 1}}};
  EXPECT_EQ(encode_server_side_emit("abc", p, std::nullopt),
            R"({"uid":"abc","type":6,"data":["ping",{"a":1}]})");
  EXPECT_EQ(encode_names_response("q", "rooms", {"a", "b"}),
            R"({"requestId":"q","rooms":["a","b"]})");
  EXPECT_EQ(encode_done_response("q"), R"({"requestId":"q"})");
  EXPECT_EQ(encode_client_count("q", 3), R"({"type":8,"requestId":"q","clientCount":3})");
  EXPECT_EQ(encode_server_side_ack("q", json::value("ok")),
            R"({"type":6,"requestId":"q","data":"ok"})");
  auto ack = decode_response(encode_broadcast_ack("q", json::array{"x"}, {}));
  ASSERT_TRUE(ack) << ack.error();
  EXPECT_EQ(ack->request_id, "q");
  EXPECT_EQ(ack->type, 9);
  EXPECT_EQ(json::serialize(ack->body.at("packet")), R"(["x"])");
}

}  // namespace
}  // namespace chatgate::cluster::redis
