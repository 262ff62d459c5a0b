// The transport mcp_probe talks MCP through: stdio pipes or Streamable HTTP.
#pragma once

#include "protocol/json_rpc.h"

#include <chrono>
#include <string>

namespace mcpgw::bench {

using Clock = std::chrono::steady_clock;

class ProbeClient {
 public:
  virtual ~ProbeClient() = default;

  // Sends a request under the next id (ids increase per request) and returns the response with
  // that id, skipping anything else the server sends. Fails with kTimeout when no answer came by
  // deadline, kClosed when the server went away, kUnavailable when it could not be reached or
  // answered something that is not that response. One thread.
  virtual protocol::Result<protocol::Message> Request(const std::string& method,
                                                      protocol::Json params,
                                                      Clock::time_point deadline) = 0;

  // Sends a notification. Fails like Request. One thread.
  virtual protocol::Status Notify(const std::string& method, protocol::Json params) = 0;
};

}  // namespace mcpgw::bench
