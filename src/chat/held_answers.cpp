#include "chat/held_answers.hpp"

#include "chat/post_batch.hpp"

namespace chatgate::chat {

namespace {
thread_local held_answers* running = nullptr;
}  // namespace

held_answers* held_answers::current() {
  return running;
}

void held_answers::set_current(held_answers* h) {
  running = h;
}

void held_answers::hold(poster post, std::function<void()> ok, std::function<void()> failed) {
  held_.push_back({std::move(post), std::move(ok), std::move(failed)});
}

void held_answers::release(bool committed) {
  auto held = std::move(held_);
  held_.clear();
  post_batch batch;  // the batch leaves as one post per destination (posters made by batching())
  for (auto& e : held) {
    auto& f = committed ? e.ok : e.failed;
    if (f) e.post(std::move(f));
  }
}

}  // namespace chatgate::chat
