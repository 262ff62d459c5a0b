#include "policy/rate_limits.h"

#include "policy/glob.h"

namespace mcpgw::policy {

const ToolRateLimit* ItemLimit(const RateLimits& limits, std::string_view server,
                               std::string_view item) {
  for (const ToolRateLimit& limit : limits.tools) {
    if (GlobMatch(limit.server, server) && GlobMatch(limit.tool, item)) return &limit;
  }
  return nullptr;
}

}  // namespace mcpgw::policy
