#pragma once
// Requests and responses of @socket.io/redis-adapter 8.x (classic protocol), as lib/index.ts of
// 8.3.0 sends them. Pure: no I/O.
//
//   socket.io-request#<nsp>#    a request: JSON (first byte '{') or MessagePack, an object
//     type 0 SOCKETS            {uid, requestId, type, rooms}
//     type 1 ALL_ROOMS          {uid, requestId, type}
//     type 2 REMOTE_JOIN        {uid, type, opts: {rooms, except}, rooms}   (or {sid, room,
//     requestId}) type 3 REMOTE_LEAVE       {uid, type, opts: {rooms, except}, rooms}   (or {sid,
//     room, requestId}) type 4 REMOTE_DISCONNECT  {uid, type, opts: {rooms, except}, close}   (or
//     {sid, close, requestId}) type 5 REMOTE_FETCH       {uid, requestId, type, opts: {rooms,
//     except}} type 6 SERVER_SIDE_EMIT   {uid, type, data: [event, ...args], requestId?} type 7
//     BROADCAST (ack)    MessagePack {uid, requestId, type, packet, opts}
//   socket.io-response#<nsp>#   the answers, JSON unless noted
//     SOCKETS                   {requestId, sockets: [id...]}
//     ALL_ROOMS                 {requestId, rooms: [room...]}
//     REMOTE_JOIN/LEAVE/DISC.   {requestId}                      (single-socket form only)
//     REMOTE_FETCH              {requestId, sockets: [{id, handshake, rooms, data}]}
//     SERVER_SIDE_EMIT ack      {type: 6, requestId, data}
//     BROADCAST                 {type: 8, requestId, clientCount}, then per client ack
//                               MessagePack {type: 9, requestId, packet}
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "cluster/redis/adapter_frame.hpp"

namespace chatgate::cluster::redis {

enum class request_type : int {
  sockets = 0,
  all_rooms = 1,
  remote_join = 2,
  remote_leave = 3,
  remote_disconnect = 4,
  remote_fetch = 5,
  server_side_emit = 6,
  broadcast = 7,
  broadcast_client_count = 8,
  broadcast_ack = 9,
};

/// A decoded request; which fields are set depends on `type` (diagram above).
struct adapter_request {
  request_type type = request_type::sockets;
  std::string uid;
  std::optional<std::string> request_id;  // a number is read as its text
  std::optional<socketio::broadcast_options> opts;
  std::set<std::string, std::less<>> rooms;  // join/leave rooms, SOCKETS rooms
  std::string sid, room;                     // the single-socket forms
  bool close = false;
  socketio::packet packet;  // SERVER_SIDE_EMIT: data = [event, args...]; BROADCAST: the packet
};

/// A decoded response: its requestId, type when present, and the whole object.
struct adapter_response {
  std::string request_id;
  std::optional<int> type;
  boost::json::object body;
  std::vector<engineio::shared_bytes> attachments;
};

frame_result<adapter_request> decode_request(std::string_view bytes);
frame_result<adapter_response> decode_response(std::string_view bytes);

// --- requests, as Node sends them ---------------------------------------------------------------

/// REMOTE_JOIN / REMOTE_LEAVE with opts (Node's addSockets / delSockets).
std::string encode_remote_rooms(request_type type, std::string_view uid,
                                const socketio::broadcast_options& opts,
                                const std::vector<std::string>& rooms);
/// REMOTE_DISCONNECT with opts (Node's disconnectSockets).
std::string encode_remote_disconnect(std::string_view uid, const socketio::broadcast_options& opts,
                                     bool close);
/// SERVER_SIDE_EMIT; with `request_id` the receivers answer (serverSideEmitWithAck).
std::string encode_server_side_emit(std::string_view uid, const socketio::packet& p,
                                    const std::optional<std::string>& request_id);
/// ALL_ROOMS / REMOTE_FETCH requests.
std::string encode_all_rooms_request(std::string_view uid, std::string_view request_id);
std::string encode_fetch_request(std::string_view uid, std::string_view request_id,
                                 const socketio::broadcast_options& opts);

// --- responses ---------------------------------------------------------------------------------

/// {requestId, <key>: [names...]} (SOCKETS: key "sockets", ALL_ROOMS: key "rooms").
std::string encode_names_response(std::string_view request_id, std::string_view key,
                                  const std::vector<std::string>& names);
/// {requestId} (single-socket REMOTE_JOIN / LEAVE / DISCONNECT).
std::string encode_done_response(std::string_view request_id);
/// {requestId, sockets: [...]} for REMOTE_FETCH; each socket {id, handshake, rooms, data}.
std::string encode_fetch_response(std::string_view request_id, const boost::json::array& sockets);
/// {type: 6, requestId, data} (a server-side emit's ack).
std::string encode_server_side_ack(std::string_view request_id, const boost::json::value& data);
/// {type: 8, requestId, clientCount}.
std::string encode_client_count(std::string_view request_id, std::uint64_t count);
/// MessagePack {type: 9, requestId, packet} (one client's ack to a broadcast).
std::string encode_broadcast_ack(std::string_view request_id, const boost::json::value& packet,
                                 const std::vector<engineio::shared_bytes>& attachments);

}  // namespace chatgate::cluster::redis
