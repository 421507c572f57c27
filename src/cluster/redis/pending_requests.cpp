#include "cluster/redis/pending_requests.hpp"

#include <algorithm>

namespace chatgate::cluster::redis {

pending_requests::pending_requests(std::string prefix, std::size_t max_pending)
    : prefix_(std::move(prefix)), max_pending_(max_pending) {}

std::optional<std::string> pending_requests::add(std::size_t expected, clock::time_point deadline,
                                                 done_fn done) {
  if (waiting_.size() >= max_pending_) return std::nullopt;
  std::string id = prefix_ + "-" + std::to_string(++next_id_);
  if (expected == 0) {
    done(outcome{{}, true});
    return id;
  }
  waiting_.emplace(id, waiting{expected, deadline, std::move(done), {}});
  return id;
}

bool pending_requests::answer(const std::string& request_id, boost::json::object body) {
  auto it = waiting_.find(request_id);
  if (it == waiting_.end()) return false;
  it->second.got.answers.push_back(std::move(body));
  if (it->second.got.answers.size() < it->second.expected) return true;
  auto w = std::move(it->second);
  waiting_.erase(it);  // before done: it may add another request
  w.got.complete = true;
  w.done(std::move(w.got));
  return true;
}

std::size_t pending_requests::expire(clock::time_point now) {
  std::vector<waiting> due;
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (it->second.deadline <= now) {
      due.push_back(std::move(it->second));
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& w : due) w.done(std::move(w.got));  // complete stays false
  return due.size();
}

std::optional<pending_requests::clock::time_point> pending_requests::next_deadline() const {
  std::optional<clock::time_point> first;
  for (const auto& [id, w] : waiting_)
    if (!first || w.deadline < *first) first = w.deadline;
  return first;
}

}  // namespace chatgate::cluster::redis
