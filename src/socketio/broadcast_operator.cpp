#include "socketio/broadcast_operator.hpp"

#include "socketio/namespace_.hpp"
#include "socketio/socket.hpp"

namespace chatgate::socketio {

broadcast_operator broadcast_operator::to(std::string room) const {
  broadcast_options opts = opts_;
  opts.rooms.insert(std::move(room));
  return {*nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::to(const std::vector<std::string>& rooms) const {
  broadcast_options opts = opts_;
  opts.rooms.insert(rooms.begin(), rooms.end());
  return {*nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::except(std::string room) const {
  broadcast_options opts = opts_;
  opts.except.insert(std::move(room));
  return {*nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::except(const std::vector<std::string>& rooms) const {
  broadcast_options opts = opts_;
  opts.except.insert(rooms.begin(), rooms.end());
  return {*nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::local() const {
  broadcast_options opts = opts_;
  opts.flags.local = true;
  return {*nsp_, std::move(opts)};
}

broadcast_operator broadcast_operator::volatile_() const {
  broadcast_options opts = opts_;
  opts.flags.volatile_ = true;
  return {*nsp_, std::move(opts)};
}

bool broadcast_operator::emit(std::string_view event, args a) const {
  if (is_reserved_event(event)) return false;
  nsp_->adapter().broadcast(make_event_packet(nsp_->name(), event, std::move(a)), opts_);
  return true;
}

void broadcast_operator::emit_encoded(const encoded_packet& enc) const {
  nsp_->adapter().broadcast_encoded(enc, opts_);
}

void broadcast_operator::sockets_join(const std::vector<std::string>& rooms) const {
  nsp_->adapter().add_sockets(opts_, rooms);
}

void broadcast_operator::sockets_leave(const std::vector<std::string>& rooms) const {
  nsp_->adapter().del_sockets(opts_, rooms);
}

void broadcast_operator::disconnect_sockets(bool close_transport) const {
  nsp_->adapter().disconnect_sockets(opts_, close_transport);
}

std::vector<std::shared_ptr<socket>> broadcast_operator::fetch_sockets() const {
  return nsp_->adapter().fetch_sockets(opts_);
}

}  // namespace chatgate::socketio
