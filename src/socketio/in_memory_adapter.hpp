#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>

#include "socketio/adapter.hpp"

namespace chatgate::socketio {

/// The default adapter: rooms of one process (Node's in-memory-adapter). Not final: a cluster
/// adapter derives from it, calls these for the local part and forwards the rest.
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
  std::vector<std::shared_ptr<socket>> select(const broadcast_options& opts) const;

  /// A room member: its socket, looked up in the namespace at the first broadcast that finds it
  /// connected and kept until it leaves the room (a socket leaves every room before the
  /// namespace lets go of it), so that a broadcast makes no hash lookup per recipient.
  struct member {
    mutable socket* connected = nullptr;
  };
  socket* resolve(const std::string& id, const member& m) const;

  namespace_& nsp_;
  std::map<std::string, std::map<std::string, member, std::less<>>, std::less<>>
      rooms_;                                                       // room -> socket ids
  std::map<std::string, std::set<std::string>, std::less<>> sids_;  // socket id -> rooms
};

}  // namespace chatgate::socketio
