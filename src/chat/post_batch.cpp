#include "chat/post_batch.hpp"

#include <algorithm>

namespace chatgate::chat {

namespace {
thread_local post_batch* open_batch = nullptr;
}  // namespace

post_batch::post_batch() : outer_(open_batch) {
  if (!outer_) open_batch = this;
}

post_batch::~post_batch() {
  if (outer_) return;  // nested: the outer batch has everything
  open_batch = nullptr;
  flush();
}

post_batch* post_batch::current() {
  return open_batch;
}

void post_batch::add(const batch_destination& to, std::function<void()> f) {
  if (outer_) return outer_->add(to, std::move(f));
  for (auto& [dest, list] : lists_) {
    if (dest == &to) {
      list.push_back(std::move(f));
      return;
    }
  }
  lists_.emplace_back(&to, std::vector<std::function<void()>>{});
  lists_.back().second.push_back(std::move(f));
}

void post_batch::flush() {
  auto lists = std::move(lists_);
  lists_.clear();
  std::stable_sort(lists.begin(), lists.end(),
                   [](const auto& a, const auto& b) { return a.first->rank < b.first->rank; });
  for (auto& [dest, list] : lists) {
    if (list.size() == 1)
      dest->one(std::move(list.front()));
    else
      dest->all(std::move(list));
  }
}

std::function<void(std::function<void()>)> batching(const batch_destination& to) {
  return [&to](std::function<void()> f) {
    if (auto* b = post_batch::current())
      b->add(to, std::move(f));
    else
      to.one(std::move(f));
  };
}

}  // namespace chatgate::chat
