#pragma once

#include "protocol/line_transport.h"
#include "upstream/child_process.h"
#include "upstream/connection.h"

namespace mcpgw::upstream {

// A child process speaking newline-delimited JSON-RPC on its stdin/stdout; its stderr is logged.
class StdioConnection : public Connection {
 public:
  // Spawns the child (see ChildProcess::Spawn for failures).
  static protocol::Result<std::unique_ptr<Connection>> Open(const ServerConfig& config);

  ~StdioConnection() override;
  protocol::Transport& transport() override { return transport_; }
  // Closes the transport, then ends the child (ChildProcess::Terminate) and logs how it ended.
  void Shutdown(std::chrono::milliseconds grace) override;

 private:
  StdioConnection(std::string server, std::unique_ptr<ChildProcess> child,
                  std::size_t max_message_bytes, std::size_t max_json_depth);

  std::string server_;
  std::unique_ptr<ChildProcess>
      child_;  // declared before transport_: outlives its descriptors' use
  protocol::LineTransport transport_;
  bool shut_down_ = false;
};

}  // namespace mcpgw::upstream
