#pragma once
// A pubsub_transport without Redis: records the commands the adapter sends (PUBLISH, PUBSUB
// NUMSUB), answers them through `reply_to` (posted, as a real connection does), and lets a test
// play what other instances publish with deliver().
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "cluster/redis/pubsub_transport.hpp"

namespace chatgate::cluster::redis::testing {

class fake_transport final : public pubsub_transport {
 public:
  explicit fake_transport(boost::asio::io_context& ioc) : ioc_(ioc) {}

  void command(std::vector<std::string> argv, reply_handler done) override {
    redis_reply r = reply_to ? reply_to(argv) : integer(0);
    commands.push_back(std::move(argv));
    boost::asio::post(ioc_, [done = std::move(done), r = std::move(r)]() mutable { done(r); });
  }
  void subscribe(std::string channel, message_handler on_message) override {
    handlers_["c" + channel] = std::move(on_message);
  }
  void psubscribe(std::string pattern, message_handler on_message) override {
    handlers_["p" + pattern] = std::move(on_message);
  }
  void unsubscribe(const std::string& name, bool pattern) override {
    handlers_.erase((pattern ? "p" : "c") + name);
  }
  boost::asio::any_io_executor get_executor() const override { return ioc_.get_executor(); }

  /// A message another instance published on `channel`: to the subscription or the pattern
  /// (a trailing `*` only, which is all the adapter uses) that matches it.
  bool deliver(const std::string& channel, std::string_view payload) {
    for (auto& [key, fn] : handlers_) {
      const std::string name = key.substr(1);
      const bool match =
          key[0] == 'c' ? name == channel : channel.starts_with(name.substr(0, name.size() - 1));
      if (match) {
        fn(channel, payload);
        return true;
      }
    }
    return false;
  }
  /// The payloads PUBLISHed on `channel`, in order.
  std::vector<std::string> published(const std::string& channel) const {
    std::vector<std::string> out;
    for (const auto& c : commands)
      if (c.size() == 3 && c[0] == "PUBLISH" && c[1] == channel) out.push_back(c[2]);
    return out;
  }
  std::size_t subscriptions() const { return handlers_.size(); }

  static redis_reply integer(std::int64_t n) {
    redis_reply r;
    r.type = redis_reply::kind::integer;
    r.integer = n;
    return r;
  }
  /// PUBSUB NUMSUB's answer: [channel, n].
  static redis_reply numsub(const std::string& channel, std::int64_t n) {
    redis_reply r, name;
    r.type = redis_reply::kind::array;
    name.type = redis_reply::kind::string;
    name.str = channel;
    r.elements = {name, integer(n)};
    return r;
  }

  std::function<redis_reply(const std::vector<std::string>&)> reply_to;
  std::vector<std::vector<std::string>> commands;

 private:
  boost::asio::io_context& ioc_;
  std::map<std::string, message_handler> handlers_;
};

}  // namespace chatgate::cluster::redis::testing
