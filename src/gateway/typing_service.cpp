#include "gateway/typing_service.hpp"

#include <algorithm>

#include <boost/json/object.hpp>

#include "cluster/shard_bus.hpp"
#include "gateway/payloads.hpp"
#include "gateway/room_service.hpp"
#include "gateway/socket_user.hpp"
#include "socketio/server.hpp"

namespace chatgate::gateway {

typing_service::typing_service(socketio::namespace_& nsp, cluster::connection_map& connections,
                               const core::clock& clock, typing_settings settings)
    : nsp_(nsp),
      connections_(connections),
      clock_(clock),
      state_(settings),
      timer_(nsp.owner().executor()) {}

typing_service::~typing_service() {
  if (owners_) owners_->set_service(self_, nullptr);
}

void typing_service::set_owners(std::shared_ptr<typing_owners> owners, std::size_t self) {
  owners_ = std::move(owners);
  self_ = self;
  owners_->set_service(self_, this);
}

std::size_t typing_service::elsewhere(std::string_view user) const {
  if (!owners_) return cluster::shard_bus::npos;
  const auto owner = owners_->owner_of(user);
  return owner == self_ ? cluster::shard_bus::npos : owner;
}

bool typing_service::is_typing(std::string_view user, std::string_view conversation) const {
  if (elsewhere(user) != cluster::shard_bus::npos) return owners_->is_typing(user, conversation);
  return state_.is_typing(user, conversation);
}

void typing_service::start(std::string_view user, std::string_view conversation) {
  if (const auto owner = elsewhere(user); owner != cluster::shard_bus::npos) {
    return owners_->post(owner, [u = std::string(user), c = std::string(conversation)](
                                    typing_service& s) { s.start_here(u, c); });
  }
  start_here(std::string(user), std::string(conversation));
}

void typing_service::stop(std::string_view user, std::string_view conversation) {
  if (const auto owner = elsewhere(user); owner != cluster::shard_bus::npos) {
    // A store event runs on every thread: the owner's run stops it, the others have nothing to
    // do. Anything else (typing:stop from a socket here) goes to the owner.
    if (cluster::shard_bus::current() != cluster::shard_bus::npos) return;
    return owners_->post(owner, [u = std::string(user), c = std::string(conversation)](
                                    typing_service& s) { s.stop_here(u, c); });
  }
  stop_here(std::string(user), std::string(conversation));
}

void typing_service::start_here(const std::string& user, const std::string& conversation) {
  if (state_.start(user, conversation, clock_.now())) emit(user, conversation, true);
  mirror(user, conversation);
  schedule();
}

void typing_service::stop_here(const std::string& user, const std::string& conversation) {
  if (state_.stop(user, conversation, clock_.now())) emit(user, conversation, false);
  mirror(user, conversation);
}

void typing_service::mirror(std::string_view user, std::string_view conversation) {
  if (owners_) owners_->set_typing(user, conversation, state_.is_typing(user, conversation));
}

void typing_service::bind(socketio::namespace_& nsp) {
  nsp.on_socket_disconnect(
      [this, alive = std::weak_ptr<bool>(alive_)](socketio::socket& s, std::string_view) {
        if (!alive.lock()) return;
        const auto* user = user_of(s);
        if (!user) return;
        if (const auto owner = elsewhere(user->user_id); owner != cluster::shard_bus::npos) {
          // Whether the user types is known on the owner's thread only: it decides there.
          return owners_->post(owner, [sid = s.id(), u = user->user_id](typing_service& t) {
            if (t.state_.has_user(u)) t.on_disconnect(sid, u);
          });
        }
        if (state_.has_user(user->user_id)) on_disconnect(s.id(), user->user_id);
      });
}

void typing_service::on_disconnect(const std::string& socket_id, const std::string& user) {
  // The connection map may still count this socket (its removal may run before or after this
  // handler), so it is left out by id.
  connections_.user_sockets(user, [this, alive = std::weak_ptr<bool>(alive_), socket_id,
                                   user](const cluster::connection_map::socket_ids& ids) {
    if (!alive.lock()) return;
    const bool others =
        std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return id != socket_id; });
    if (others) return;
    for (const auto& conversation : state_.stop_all(user)) {
      emit(user, conversation, false);
      mirror(user, conversation);
    }
  });
}

void typing_service::sweep() {
  armed_for_.reset();
  for (const auto& c : state_.expire(clock_.now())) {
    emit(c.user_id, c.conversation_id, false);
    mirror(c.user_id, c.conversation_id);
  }
  schedule();
}

void typing_service::schedule() {
  const auto next = state_.next_deadline();
  if (!next || (armed_for_ && *armed_for_ <= *next)) return;
  armed_for_ = next;
  const auto wait = std::max(*next - clock_.now(), core::sys_time_ms::duration::zero());
  timer_.expires_after(wait);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    if (ec || !alive.lock()) return;
    sweep();
  });
}

void typing_service::emit(std::string_view user, std::string_view conversation, bool is_typing) {
  boost::json::object e{
      {"conversationId", conversation}, {"userId", user}, {"isTyping", is_typing}};
  nsp_.to(room_service::conversation_room(conversation))
      .except(room_service::user_room(user))
      .volatile_()
      .emit("typing", payloads::one(std::move(e)));
}

}  // namespace chatgate::gateway
