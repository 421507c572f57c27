#pragma once
#include <memory>
#include <optional>
#include <string>

#include "engineio/settings.hpp"
#include "engineio/transport.hpp"
#include "http/cors_policy.hpp"
#include "http/handler.hpp"

namespace chatgate::engineio {

/// HTTP long-polling. A GET is held (its responder kept) until there is something to send or the
/// session closes; a POST carries a payload of client packets and is answered "ok".
class polling_transport final : public transport,
                                public std::enable_shared_from_this<polling_transport> {
 public:
  polling_transport(const settings& config, const http::cors_policy& cors)
      : config_(config), cors_(cors) {}

  /// A GET for this session. A second GET while one is held is an error (Node: "overlap"); a
  /// held GET whose connection closes is one too ("poll connection closed prematurely").
  void on_get(const http::request& req, const http::connection_info& info, http::responder respond);
  /// A POST for this session, body already read (the listener enforced max_payload).
  void on_post(const http::request& req, http::responder respond);

  std::string_view name() const override { return "polling"; }
  bool writable() const override { return held_.has_value(); }
  void send(std::vector<outgoing_packet> packets) override;
  void close() override;
  void discard() override;

 private:
  http::response make_response(boost::beast::http::status status, std::string body,
                               std::string_view content_type, std::string_view origin) const;
  void answer_held(std::string body);
  void release_monitor();

  const settings& config_;
  const http::cors_policy& cors_;  // the server's; outlives its sessions' transports
  std::optional<http::responder> held_;
  std::shared_ptr<http::connection_monitor> held_monitor_;  // of the held GET's connection
  std::string held_origin_;
  unsigned held_version_ = 11;
  bool closed_ = false;
};

}  // namespace chatgate::engineio
