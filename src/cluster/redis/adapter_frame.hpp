#pragma once
// The broadcast frame of @socket.io/redis-adapter 8.x (classic protocol), checked against
// lib/index.ts of socketio/socket.io-redis-adapter 8.3.0 and notepack.io 3.x. Pure: no I/O.
//
//   channel   socket.io#<nsp>#            broadcast to several rooms, or to all
//             socket.io#<nsp>#<room>#     broadcast to exactly one room
//   payload   MessagePack array of 3:
//             [ uid,                                   str: the sending adapter (Node: 6 chars;
//                                                      the redis-emitter sends "emitter")
//               { type: 2, data: [event, ...args],      the Socket.IO packet; bin values in data
//                 nsp: "/" , id?: n },                  are binary attachments; nsp may be absent
//               { rooms: [..], except: [..],            room names (numbers are read as text)
//                 flags: { local?, volatile?, ... } } ] flags may be absent
//
// A frame from our own uid is ignored by the caller; a frame on a room channel for a room the
// instance does not hold is dropped by the caller before decode_broadcast is called.
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "socketio/adapter.hpp"
#include "socketio/packet.hpp"

namespace chatgate::cluster::redis {

/// A decoded broadcast frame.
struct broadcast_frame {
  std::string uid;
  socketio::packet packet;  // an EVENT: data = [event, args...], attachments from bin values
  socketio::broadcast_options opts;
};

template <class T>
using frame_result = boost::system::result<T, std::string>;

/// Decodes a broadcast frame; the error says what was wrong, for the log.
frame_result<broadcast_frame> decode_broadcast(std::string_view bytes);
/// Encodes `p` (an event packet; attachments as bin) with `opts` the way Node's adapter does.
std::string encode_broadcast(std::string_view uid, const socketio::packet& p,
                             const socketio::broadcast_options& opts);

/// The channel prefix `socket.io#<nsp>#` and a broadcast's channel (room channel when the
/// broadcast targets exactly one room).
std::string broadcast_channel_prefix(std::string_view key, std::string_view nsp);
std::string broadcast_channel(std::string_view prefix, const socketio::broadcast_options& opts);
/// The room a channel names ("" for the namespace channel), or nullopt when `channel` is not
/// under `prefix` or not terminated by '#'.
std::optional<std::string_view> room_of_channel(std::string_view channel, std::string_view prefix);

// --- pieces shared with the request codec ------------------------------------------------------

/// Room names of a JSON array value (strings; numbers as their text); absent/null is empty.
frame_result<std::set<std::string, std::less<>>> rooms_of(const boost::json::value* v);
/// `{rooms, except, flags}` of an object value.
frame_result<socketio::broadcast_options> options_of(const boost::json::value* v);
/// `{type, data, nsp, id?}` as an event packet; attachments moved in.
frame_result<socketio::packet> packet_of(const boost::json::value* v,
                                         std::vector<engineio::shared_bytes> attachments);
/// The JSON form of options (`{rooms, except, flags}`) and of a packet (`{type:2, data, nsp}`).
boost::json::object options_json(const socketio::broadcast_options& opts);
boost::json::object packet_json(const socketio::packet& p);

}  // namespace chatgate::cluster::redis
