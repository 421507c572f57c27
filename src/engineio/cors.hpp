#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/handler.hpp"

namespace chatgate::engineio {

/// Whether `origin` is in `allowed` (or `allowed` holds "*").
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);
/// Adds the CORS headers for a request that carried this Origin (none when it carried none or
/// is not allowed): the origin is echoed, with credentials, as the `cors` package does with
/// `credentials: true`.
void apply_cors(http::response& res, std::string_view origin,
                const std::vector<std::string>& allowed);
/// The 204 answer to an OPTIONS preflight.
http::response preflight_response(const http::request& req,
                                  const std::vector<std::string>& allowed);

}  // namespace chatgate::engineio
