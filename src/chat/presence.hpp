#pragma once
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
};

/// Nobody online: REST-only use and tests.
class no_presence final : public presence {
 public:
  std::vector<std::string> online(const std::vector<std::string>&) override { return {}; }
};

}  // namespace chatgate::chat
