#pragma once
#include <string>

#include "chat/connection_directory.hpp"
#include "socketio/namespace_.hpp"

namespace chatgate::gateway {

/// chat::connection_directory over this instance's namespace: every registered socket (or the
/// user's, through the room user:{id}) with its transport, connect time and named rooms. Local
/// only: the answer comes before list_connections returns. Runs on the io thread.
class admin_connections final : public chat::connection_directory {
 public:
  /// `instance`: what names this process in the answer; empty: "<hostname>:<pid>".
  admin_connections(socketio::namespace_& nsp, std::string instance = {});

  void list_connections(const std::optional<std::string>& user_id,
                        std::function<void(std::vector<chat::connection_record>)> done) override;

  const std::string& instance() const { return instance_; }

 private:
  socketio::namespace_& nsp_;
  std::string instance_;
};

}  // namespace chatgate::gateway
