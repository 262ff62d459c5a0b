// The MCP conversation mcp_probe holds: start-up, complete tools/list, tools/call.
#pragma once

#include "bench/probe_client.h"

#include <cstddef>
#include <string>

namespace mcpgw::bench {

// Sends initialize (2025-06-18) until deadline and then notifications/initialized. With
// retry_every non-zero, a failed initialize is sent again after that pause (an HTTP server that
// is not listening yet); else the first failure is final. Fails with the last failure.
protocol::Status Initialize(ProbeClient& client, Clock::duration retry_every,
                            Clock::time_point deadline);

// The number of tools in one complete tools/list, following nextCursor. Fails when a page is an
// error or not a tools list.
protocol::Result<std::size_t> ListTools(ProbeClient& client, Clock::time_point deadline);

// Repeats ListTools about every 1 ms until it finds at least expect tools. Fails with kTimeout,
// saying how many tools the last complete list had, when deadline passes first.
protocol::Result<std::size_t> AwaitTools(ProbeClient& client, std::size_t expect,
                                         Clock::time_point deadline);

// Calls tool with {"text":"hi"}. True for a result with a content array and no isError true;
// false for an error, an isError result, or no answer.
bool CallTool(ProbeClient& client, const std::string& tool, Clock::time_point deadline);

}  // namespace mcpgw::bench
