#pragma once
#include <functional>
#include <string>
#include <vector>

namespace chatgate::chat {

/// Who is connected right now (POST /presence). The gateway implements it over its connection
/// map (in-process or Redis); without a gateway, nobody is online.
class presence {
 public:
  virtual ~presence() = default;
  /// The subset of `user_ids` with at least one live socket, in the order given.
  virtual std::vector<std::string> online(const std::vector<std::string>& user_ids) = 0;
  /// The same answer through a callback, run once on the io thread, now or later: what POST
  /// /presence uses, so that a networked map (Redis) can answer without blocking the thread.
  /// By default it answers at once with online().
  virtual void query_online(const std::vector<std::string>& user_ids,
                            std::function<void(std::vector<std::string>)> done) {
    done(online(user_ids));
  }
};

/// Nobody online: REST-only use and tests.
class no_presence final : public presence {
 public:
  std::vector<std::string> online(const std::vector<std::string>&) override { return {}; }
};

}  // namespace chatgate::chat
