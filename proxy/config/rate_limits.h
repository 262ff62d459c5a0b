#pragma once

// A key entry's "rate_limit_rpm" and "rate_limits" (README "Rate limits").

#include "protocol/status.h"
#include "proxy/config/config.h"

namespace mcpgw::proxy {

// Reads "rate_limit_rpm" (a positive integer) and "rate_limits" ([{server, tool, rpm}], globs
// and a positive integer) of the key entry at `path` into `out`; absent members leave it alone.
// Never throws. On failure the status is kInvalidArgument with the JSON path at fault, e.g.
// "keys[0].rate_limits[1].rpm: must be a positive integer". Any thread.
protocol::Status ReadRateLimits(const protocol::Json& entry, const std::string& path,
                                const EnvLookup& env, policy::RateLimits& out);

}  // namespace mcpgw::proxy
