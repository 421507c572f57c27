#pragma once
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/compact_string.hpp"
#include "socketio/adapter.hpp"

namespace chatgate::socketio {

/// The default adapter: rooms of one process (Node's in-memory-adapter). Not final: a cluster
/// adapter derives from it, calls these for the local part and forwards the rest.
///
/// Memory: a room name is stored once (the key of rooms_), a socket id once (the key of sids_);
/// a membership is two 16-byte slots (one in the room's member vector, one in the socket's room
/// vector) that point at each other, rather than a string in two tree nodes. The room named by a
/// socket's own id, which every socket joins, is a flag on its entry.
class in_memory_adapter : public adapter {
 public:
  explicit in_memory_adapter(namespace_& nsp) : nsp_(nsp) {}

  void add_all(const std::string& id, const std::vector<std::string>& rooms) override;
  void del(const std::string& id, std::string_view room) override;
  void del_all(const std::string& id) override;

  void broadcast(const packet& p, const broadcast_options& opts) override;
  void broadcast_encoded(const encoded_packet& enc, const broadcast_options& opts) override;
  std::set<std::string> sockets(const std::set<std::string, std::less<>>& rooms) const override;
  std::set<std::string> socket_rooms(std::string_view id) const override;

  void add_sockets(const broadcast_options& opts, const std::vector<std::string>& rooms) override;
  void del_sockets(const broadcast_options& opts, const std::vector<std::string>& rooms) override;
  void disconnect_sockets(const broadcast_options& opts, bool close_transport) override;
  std::vector<std::shared_ptr<socket>> fetch_sockets(const broadcast_options& opts) const override;

  std::vector<std::string> rooms() const override;
  std::size_t room_size(std::string_view room) const override;

 protected:
  /// Calls `fn` once for each local socket `opts` selects (Node's apply). The selection is made
  /// first, so `fn` may change rooms or disconnect sockets.
  void apply(const broadcast_options& opts, const std::function<void(socket&)>& fn) const;
  namespace_& nsp() const { return nsp_; }

 private:
  struct entry;
  /// A room: its members, in no particular order. Each member knows where the room sits in its
  /// own list (and the other way round), so joining and leaving are O(1) whatever the room's size.
  struct room {
    const std::string* name = nullptr;  // the key of rooms_ (stable: node-based map)
    struct member {
      entry* e;
      std::uint32_t at;  // index of this room in e->rooms
    };
    std::vector<member> members;
  };
  /// A socket id known to the adapter (from its first join to del_all).
  struct entry {
    const core::compact_string* id = nullptr;  // the key of sids_
    /// The socket, looked up in the namespace at the first broadcast that finds it connected
    /// and kept until del_all (a socket leaves every room before the namespace lets go of it),
    /// so that a broadcast makes no hash lookup per recipient.
    mutable socket* connected = nullptr;
    mutable std::uint32_t mark = 0;  // select(): the call that last took or excluded it
    /// In the room named by its own id (Socket.IO joins it at connect). That room is implicit:
    /// no room entry, no string, for the one room every socket has.
    bool own_room = false;
    struct joined {
      room* r;
      std::uint32_t at;  // index of this entry in r->members
    };
    std::vector<joined> rooms;
  };
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using room_map = std::unordered_map<std::string, room, string_hash, std::equal_to<>>;
  // Socket ids (20 characters) kept in place in the key, not in a heap block (issue 10).
  using entry_map = std::unordered_map<core::compact_string, entry, core::compact_string_hash,
                                       core::compact_string_equal>;

  std::vector<std::shared_ptr<socket>> select(const broadcast_options& opts) const;
  /// Calls `fn(entry)` for each member of the room named `name` (its own-id room included).
  template <class F>
  void for_each_member(std::string_view name, F&& fn) const;
  socket* resolve(const entry& e) const;
  void unlink(entry& e, std::size_t i);

  namespace_& nsp_;
  room_map rooms_;  // room name -> members (rooms named by a socket's own id: see entry)
  entry_map sids_;  // socket id -> its rooms
  mutable std::uint32_t epoch_ = 0;  // select()'s marks
};

}  // namespace chatgate::socketio
