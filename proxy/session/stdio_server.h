#pragma once

#include "policy/permissions.h"
#include "protocol/line_transport.h"
#include "proxy/app/gateway.h"

namespace mcpgw::proxy {

// Serves one MCP client over a pair of file descriptors (stdin/stdout when Claude Desktop
// launches the gateway). Reads on the calling thread, handles requests on a worker pool so a
// slow one never delays the others, and writes each message whole under a lock.
class StdioServer {
 public:
  // Every request is decided for `principal` (authenticated by the caller; empty: anonymous).
  StdioServer(Gateway& gateway, int in_fd, int out_fd, policy::Principal principal);

  // Serves until end of input or Stop(); then answers the requests already read (waiting up to
  // gateway.drain_timeout for their upstreams), stops the gateway's upstreams (SIGTERM, then
  // SIGKILL after the grace period) and returns. Unreadable lines are answered and skipped.
  void Run();

  // Makes Run() finish as if input had ended. Async-signal-safe, so a SIGTERM handler may call it.
  void Stop() { transport_.StopReceiving(); }

 private:
  Gateway& gateway_;
  const policy::Principal principal_;
  protocol::LineTransport transport_;
};

}  // namespace mcpgw::proxy
