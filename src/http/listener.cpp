#include "http/listener.hpp"

#include <stdexcept>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>

#include "http/http_session.hpp"

namespace chatgate::http {

namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

void session_registry::remove(std::uint64_t id) {
  sessions.erase(id);
  if (stopping && sessions.empty() && on_drained) {
    auto done = std::move(on_drained);
    on_drained = nullptr;
    done();
  }
}

listener::listener(net::io_context& ioc, const tcp::endpoint& endpoint, handler& target,
                   listener_settings settings)
    : ioc_(ioc),
      endpoint_(endpoint),
      handler_(target),
      settings_(settings),
      acceptor_(ioc),
      registry_(std::make_shared<session_registry>()),
      retry_timer_(ioc) {}

listener::~listener() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void listener::start() {
  auto fail = [this](const char* what, const boost::system::error_code& ec) {
    std::string where = endpoint_.address().to_string() + ":" + std::to_string(endpoint_.port());
    throw std::runtime_error("http listener " + where + ": " + what + ": " + ec.message());
  };
  boost::system::error_code ec;
  acceptor_.open(endpoint_.protocol(), ec);
  if (ec) fail("open", ec);
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) fail("set SO_REUSEADDR", ec);
  if (endpoint_.address().is_v6()) acceptor_.set_option(net::ip::v6_only(true), ec);
  acceptor_.bind(endpoint_, ec);
  if (ec) fail("bind", ec);
  acceptor_.listen(settings_.backlog, ec);
  if (ec) fail("listen", ec);
  do_accept();
}

void listener::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  registry_->stopping = true;
  // Copy first: a session may end (and erase itself) while being stopped.
  std::vector<std::shared_ptr<http_session>> live;
  for (auto& [id, weak] : registry_->sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  for (auto& session : live) session->stop();
}

void listener::on_drained(std::function<void()> done) {
  if (registry_->sessions.empty()) return done();
  registry_->on_drained = std::move(done);
}

tcp::endpoint listener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void listener::spread_to(std::vector<listener*> targets) {
  targets_ = std::move(targets);
}

void listener::adopt(tcp::socket socket) {
  boost::system::error_code ec;
  if (registry_->stopping) {
    socket.close(ec);
    return;
  }
  socket.set_option(tcp::no_delay(true), ec);
  const std::uint64_t id = ++registry_->next_id;
  auto session =
      std::make_shared<http_session>(std::move(socket), handler_, settings_, registry_, id);
  registry_->sessions.emplace(id, session);
  session->run();
}

void listener::do_accept() {
  listener* target = this;
  if (!targets_.empty()) {
    target = targets_[next_target_];
    next_target_ = (next_target_ + 1) % targets_.size();
  }
  // Accepted straight onto the target's io_context: the socket's operations run there.
  acceptor_.async_accept(target->ioc_, [this, target, registry = registry_](
                                           boost::system::error_code ec, tcp::socket socket) {
    // The acceptor is closed by stop() or the destructor: `this` may be gone, so check first.
    if (ec == net::error::operation_aborted || registry->stopping) return;
    if (ec) return retry_accept(ec);
    accept_failing_ = false;
    if (target == this) {
      adopt(std::move(socket));
    } else {
      ++handed_off_;
      net::post(target->ioc_,
                [target, s = std::move(socket)]() mutable { target->adopt(std::move(s)); });
    }
    do_accept();
  });
}

void listener::retry_accept(const boost::system::error_code& ec) {
  if (!accept_failing_) {
    spdlog::warn("http listener {}:{}: accept failed: {}; retrying every {} ms",
                 endpoint_.address().to_string(), endpoint_.port(), ec.message(),
                 settings_.accept_retry_delay.count());
  }
  accept_failing_ = true;
  retry_timer_.expires_after(settings_.accept_retry_delay);
  // `this` is only touched when the wait succeeded: stop() and the destructor cancel it.
  retry_timer_.async_wait([this, registry = registry_](boost::system::error_code wait_ec) {
    if (wait_ec || registry->stopping) return;
    do_accept();
  });
}

}  // namespace chatgate::http
