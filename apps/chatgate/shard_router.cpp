#include "shard_router.hpp"

#include <unistd.h>

#include <memory>

#include <boost/asio/post.hpp>

#include "cluster/shard_routing.hpp"
#include "path_dispatcher.hpp"

namespace chatgate::app {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

namespace {

std::string_view target_of(const http::request_header& header) {
  const auto t = header.target();
  return {t.data(), t.size()};
}

}  // namespace

shard_router::shard_router(std::size_t index, net::io_context& ioc, http::handler& local)
    : index_(index), ioc_(ioc), local_(local) {}

std::size_t shard_router::pick(const http::request_header& header) const {
  const auto target = target_of(header);
  const auto shards = peers_.empty() ? 1 : peers_.size();
  return cluster::shard_routing::route(target, path_dispatcher::is_socket_path(target), index_,
                                       shards);
}

// The limits and the 413 answer read settings only (and count in atomic metrics), so they are
// answered where the request is read, whichever thread serves it.
std::size_t shard_router::body_limit(const http::request_header& header) const {
  return local_.body_limit(header);
}

http::response shard_router::on_body_too_large(const http::request_header& header) {
  return local_.on_body_too_large(header);
}

void shard_router::on_request(http::request&& req, const http::connection_info& info,
                              http::responder respond) {
  const auto to = pick(req);
  if (to == index_) return serve(std::move(req), info, std::move(respond));
  hand_off(to, std::move(req), info, std::move(respond));
}

void shard_router::serve(http::request&& req, const http::connection_info& info,
                         http::responder respond) {
  if (gather_ && req.method() == beast::http::verb::get && target_of(req) == "/metrics") {
    auto held = std::make_shared<http::request>(std::move(req));
    return gather_([this, held, info, respond = std::move(respond)]() mutable {
      local_.on_request(std::move(*held), info, std::move(respond));
    });
  }
  local_.on_request(std::move(req), info, std::move(respond));
}

void shard_router::hand_off(std::size_t to, http::request&& req, const http::connection_info& info,
                            http::responder respond) {
  ++handed_off_;
  shard_router& peer = *peers_[to];
  // The answer goes back to the thread that holds the connection.
  http::responder back = [&ioc = ioc_, respond = std::move(respond)](http::response&& res) {
    net::post(ioc, [respond, res = std::move(res)]() mutable { respond(std::move(res)); });
  };
  // The monitor is per connection, set and read on its own thread: the peer gets its own, and
  // the connection's reports a hang-up to it.
  http::connection_info theirs{info.remote, nullptr};
  if (info.monitor) {
    auto monitor = std::make_shared<http::connection_monitor>();
    theirs.monitor = monitor;
    info.monitor->on_peer_closed = [&peer_ioc = peer.ioc_, monitor] {
      net::post(peer_ioc, [monitor] {
        if (auto notify = std::move(monitor->on_peer_closed)) notify();
      });
    };
  }
  net::post(peer.ioc_, [&peer, req = std::move(req), theirs, back = std::move(back)]() mutable {
    peer.serve(std::move(req), theirs, std::move(back));
  });
}

void shard_router::on_upgrade(http::request&& req, beast::tcp_stream&& stream,
                              beast::flat_buffer&& buffer, const http::connection_info& info) {
  const auto to = pick(req);
  if (to == index_ || !path_dispatcher::is_socket_path(target_of(req)))
    return local_.on_upgrade(std::move(req), std::move(stream), std::move(buffer), info);
  boost::system::error_code ec;
  const auto protocol = stream.socket().local_endpoint(ec).protocol();
  if (ec) return;  // the connection is gone already
  tcp::socket socket = stream.release_socket();
  const auto fd = socket.release(ec);
  if (ec) return;
  ++handed_off_;
  shard_router& peer = *peers_[to];
  http::connection_info theirs{info.remote, nullptr};
  net::post(peer.ioc_, [&peer, protocol, fd, req = std::move(req), buffer = std::move(buffer),
                        theirs]() mutable {
    boost::system::error_code assign_ec;
    tcp::socket moved(peer.ioc_);
    moved.assign(protocol, fd, assign_ec);
    if (assign_ec) {
      ::close(fd);
      return;
    }
    peer.local_.on_upgrade(std::move(req), beast::tcp_stream(std::move(moved)), std::move(buffer),
                           theirs);
  });
}

}  // namespace chatgate::app
