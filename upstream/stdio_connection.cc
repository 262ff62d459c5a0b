#include "upstream/stdio_connection.h"

#include "protocol/log.h"

#include <sys/wait.h>

namespace mcpgw::upstream {
namespace {

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

}  // namespace

protocol::Result<std::unique_ptr<Connection>> StdioConnection::Open(const ServerConfig& config) {
  auto child = ChildProcess::Spawn(config, StderrDrain::LogAs(config.name));
  if (!child.ok()) return child.status();
  return std::unique_ptr<Connection>(
      new StdioConnection(config.name, std::move(child).value(), config.max_message_bytes, config.max_json_depth));
}

StdioConnection::StdioConnection(std::string server, std::unique_ptr<ChildProcess> child,
                                 std::size_t max_message_bytes, std::size_t max_json_depth)
    : server_(std::move(server)),
      child_(std::move(child)),
      transport_(child_->stdout_fd(), child_->stdin_fd(), max_message_bytes,
                 protocol::LineTransport::Ownership::kBorrowed, max_json_depth) {}

StdioConnection::~StdioConnection() { Shutdown(ChildProcess::kDefaultGrace); }

void StdioConnection::Shutdown(std::chrono::milliseconds grace) {
  if (shut_down_) return;
  shut_down_ = true;
  transport_.Close();
  int status = child_->Terminate(grace);
  log::Info("[{}] process {}", server_, DescribeExit(status));
}

}  // namespace mcpgw::upstream
