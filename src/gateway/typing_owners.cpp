#include "gateway/typing_owners.hpp"

#include <boost/asio/post.hpp>

#include "gateway/typing_service.hpp"

namespace chatgate::gateway {

typing_owners::typing_owners(std::vector<boost::asio::any_io_executor> executors)
    : executors_(std::move(executors)), services_(executors_.size(), nullptr) {}

std::size_t typing_owners::owner_of(std::string_view user) const {
  return std::hash<std::string_view>{}(user) % executors_.size();
}

void typing_owners::post(std::size_t owner, std::function<void(typing_service&)> fn) {
  boost::asio::post(executors_.at(owner), [this, owner, fn = std::move(fn)] {
    if (auto* s = services_[owner]) fn(*s);
  });
}

bool typing_owners::is_typing(std::string_view user, std::string_view conversation) const {
  std::lock_guard lock(mutex_);
  return typing_.contains(std::pair<std::string, std::string>(user, conversation));
}

void typing_owners::set_typing(std::string_view user, std::string_view conversation, bool typing) {
  std::pair<std::string, std::string> key(user, conversation);
  std::lock_guard lock(mutex_);
  if (typing)
    typing_.insert(std::move(key));
  else
    typing_.erase(key);
}

}  // namespace chatgate::gateway
