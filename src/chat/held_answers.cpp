#include "chat/held_answers.hpp"

#include <memory>

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

void held_answers::hold(const void* from, poster post, std::function<void()> ok,
                        std::function<void()> failed) {
  held_.push_back({from, std::move(post), std::move(ok), std::move(failed)});
}

void held_answers::release(bool committed) {
  auto held = std::move(held_);
  held_.clear();
  for (std::size_t i = 0; i < held.size();) {
    std::vector<std::function<void()>> run;
    std::size_t j = i;
    for (; j < held.size() && held[j].from == held[i].from; ++j) {
      auto& f = committed ? held[j].ok : held[j].failed;
      if (f) run.push_back(std::move(f));
    }
    if (run.size() == 1) {
      held[i].post(std::move(run.front()));
    } else if (!run.empty()) {
      held[i].post([run = std::make_shared<std::vector<std::function<void()>>>(std::move(run))] {
        for (auto& f : *run) f();
      });
    }
    i = j;
  }
}

}  // namespace chatgate::chat
