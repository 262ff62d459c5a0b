#pragma once

// A key's rate limits (README "Rate limits"), and which of them applies to a call.

#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::policy {

// One entry of a key's "rate_limits": calls to tools (prompts, resources) matching `tool` of
// servers matching `server` (globs) get a bucket of `rpm` per (server, tool) of their own.
struct ToolRateLimit {
  std::string server;
  std::string tool;
  int rpm = 0;
};

// A key's rate limits: `rpm` over all its calls (0: none), and the first matching entry of
// `tools` for each item.
struct RateLimits {
  int rpm = 0;
  std::vector<ToolRateLimit> tools;
};

// The entry of limits.tools that applies to `item` of `server` (real names): the first whose
// globs match both; null when none does. Points into `limits`. Pure and thread-safe.
const ToolRateLimit* ItemLimit(const RateLimits& limits, std::string_view server,
                               std::string_view item);

}  // namespace mcpgw::policy
