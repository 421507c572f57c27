#include "chat/pooled_runner.hpp"

#include <functional>
#include <string>

namespace chatgate::chat {

namespace {

std::vector<std::unique_ptr<chat_service>> services_over(
    const std::vector<std::unique_ptr<store::store>>& stores, const core::clock& clock,
    rate_limiter& limiter, chat_settings settings, events& sink) {
  std::vector<std::unique_ptr<chat_service>> out;
  for (const auto& s : stores)
    out.push_back(std::make_unique<chat_service>(*s, clock, limiter, settings, &sink));
  return out;
}

}  // namespace

pooled_runner::pooled_runner(std::vector<std::unique_ptr<store::store>> stores, std::size_t writers,
                             const core::clock& clock, rate_limiter& limiter,
                             chat_settings settings, events& sink, store::worker_settings worker)
    : stores_(std::move(stores)),
      services_(services_over(stores_, clock, limiter, settings, sink)),
      held_(stores_.size()),
      pool_(
          writers, stores_.size() - writers, worker,
          [this](std::size_t i) { return stores_[i]->ping(); },
          store::batch_hooks{[this](std::size_t i) { return begin_batch(i); },
                             [this](std::size_t i) { end_batch(i); }}) {}

bool pooled_runner::begin_batch(std::size_t worker) {
  if (!stores_[worker]->begin_batch()) return false;
  held_answers::set_current(&held_[worker]);
  services_[worker]->defer_sends(true);
  return true;
}

void pooled_runner::end_batch(std::size_t worker) {
  services_[worker]->flush_sends();  // inside the transaction: their answers are held too
  services_[worker]->defer_sends(false);
  const auto committed = stores_[worker]->end_batch();
  held_answers::set_current(nullptr);
  held_[worker].release(committed.has_value());
}

pooled_runner::~pooled_runner() {
  stop();
}

store::worker_pool::request pooled_runner::request_for(access a, std::string_view key, task t,
                                                       expired e) {
  const auto kind =
      a == access::read ? store::worker_pool::access::read : store::worker_pool::access::write;
  const bool may_wait = a == access::send;
  return {kind, std::hash<std::string_view>{}(key),
          [this, may_wait, t = std::move(t)](std::size_t worker) {
            auto& service = *services_[worker];
            // Sends queued by a group commit go first, so this call sees the store as if every
            // call before it had run (order per key, and a send's seq before a later edit).
            if (!may_wait) service.flush_sends();
            t(service);
          },
          std::move(e)};
}

bool pooled_runner::submit(access a, std::string_view key, task t, expired e) {
  auto r = request_for(a, key, std::move(t), std::move(e));
  return pool_.submit(r.a, r.key, std::move(r.run), std::move(r.expire));
}

void pooled_runner::submit_all(std::vector<call>& calls) {
  // Per calling (io) thread, kept for its capacity (see async_chat::submit_pending).
  thread_local std::vector<store::worker_pool::request> requests;
  requests.reserve(calls.size());
  for (auto& c : calls) requests.push_back(request_for(c.a, c.key, std::move(c.t), std::move(c.e)));
  pool_.submit_all(requests);
  for (std::size_t i = 0; i < calls.size(); ++i) calls[i].accepted = requests[i].accepted;
  requests.clear();
}

void pooled_runner::stop() {
  pool_.stop();
}

}  // namespace chatgate::chat
