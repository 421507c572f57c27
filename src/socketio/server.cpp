#include "socketio/server.hpp"

#include "socketio/client.hpp"
#include "socketio/in_memory_adapter.hpp"

namespace chatgate::socketio {

server::server(boost::asio::any_io_executor ex, socketio::settings s)
    : executor_(std::move(ex)), settings_(s), rng_(std::random_device{}()) {
  adapter_factory_ = [](namespace_& nsp) { return std::make_unique<in_memory_adapter>(nsp); };
  of("/");
}

server::~server() {
  // Sessions may outlive the server (they hold callbacks into clients): close them first.
  close();
}

void server::accept(std::shared_ptr<engineio::socket> conn) {
  auto c = std::make_shared<client>(*this, std::move(conn));
  clients_[std::string_view(c->id())] = c;
  c->start();
}

namespace_& server::of(std::string_view name) {
  std::string key =
      name.empty() || name.front() != '/' ? "/" + std::string(name) : std::string(name);
  auto it = nsps_.find(key);
  if (it == nsps_.end()) {
    it = nsps_.emplace(key, std::make_unique<namespace_>(*this, key)).first;
  }
  return *it->second;
}

namespace_* server::find(std::string_view name) {
  auto it = nsps_.find(name);
  return it == nsps_.end() ? nullptr : it->second.get();
}

void server::set_adapter(adapter_factory factory) {
  adapter_factory_ = std::move(factory);
  for (auto& [name, nsp] : nsps_) nsp->set_adapter(adapter_factory_(*nsp));
}

void server::close() {
  auto clients = clients_;
  for (auto& [id, c] : clients) c->close("server shutting down");
  clients_.clear();
}

std::string server::generate_id() {
  // 120 random bits as 20 URL-safe base64 characters, like Node's base64id.
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string id(20, '\0');
  std::uint64_t bits = rng_();
  for (int i = 0; i < 20; ++i) {
    if (i == 10) bits = rng_();
    id[i] = alphabet[bits & 63];
    bits >>= 6;
  }
  return id;
}

std::unique_ptr<adapter> server::make_adapter(namespace_& nsp) {
  return adapter_factory_(nsp);
}

void server::remove_client(const client& c) {
  clients_.erase(c.id());
}

}  // namespace chatgate::socketio
