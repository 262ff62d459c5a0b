// mcp_probe's stdio transport: newline-delimited JSON-RPC over the child's pipes.
#pragma once

#include "bench/probe_client.h"

#include <cstdint>
#include <optional>

namespace mcpgw::bench {

class StdioProbe : public ProbeClient {
 public:
  // Writes to to_child and reads from from_child; does not own them.
  StdioProbe(int to_child, int from_child) : to_child_(to_child), from_child_(from_child) {}

  protocol::Result<protocol::Message> Request(const std::string& method, protocol::Json params,
                                              Clock::time_point deadline) override;
  protocol::Status Notify(const std::string& method, protocol::Json params) override;

 private:
  protocol::Status WriteLine(const protocol::Message& message);
  // The next complete line, waiting until deadline.
  protocol::Result<std::string> ReadLine(Clock::time_point deadline);

  int to_child_;
  int from_child_;
  std::int64_t next_id_ = 1;
  std::string buffer_;  // bytes read but not yet returned as a line
};

}  // namespace mcpgw::bench
