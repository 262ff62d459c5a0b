#pragma once

#include "protocol/status.h"
#include "upstream/server_config.h"
#include "upstream/stderr_drain.h"

#include <sys/types.h>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::upstream {

// The gateway's environment with overrides applied: config values win, the rest is kept in
// order. Each entry is "NAME=value".
std::vector<std::string> MergeEnvironment(const char* const* base,
                                          const std::map<std::string, std::string>& overrides);

// The file to execute for command: itself when it holds a slash (relative to the child's cwd),
// else the first executable match in path (a PATH value, searched like execvp does).
std::optional<std::string> ResolveCommand(const std::string& command, const std::string& path,
                                          const std::string& cwd);

// A server process on the other end of three pipes, in its own process group. Its stderr goes
// to a StderrDrain; stdin and stdout are for the caller (the parent's ends are O_CLOEXEC).
class ChildProcess {
 public:
  // Starts config.command with config.args, the merged environment and config.cwd. Fails with
  // kUnavailable, naming the server and the reason, when the command cannot be found or
  // executed or cwd does not exist; nothing is left running then. Never blocks on the child.
  static protocol::Result<std::unique_ptr<ChildProcess>> Spawn(const ServerConfig& config,
                                                               StderrDrain::LineSink stderr_sink);

  // Terminate(kDefaultGrace) when still running, then closes the pipes.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  pid_t pid() const { return pid_; }

  // Ends the child's stdin (EOF for the child). The descriptor number stays valid (it then
  // points to /dev/null), so a writer on another thread never writes to a reused descriptor.
  void CloseStdin();

  // Ends the child politely, then firmly: closes its stdin, waits up to grace/2 for it to exit,
  // sends SIGTERM to its process group, waits up to grace/2, then SIGKILL; always reaps it.
  // Returns the wait status. Idempotent; one thread at a time.
  int Terminate(std::chrono::milliseconds grace);

  static constexpr std::chrono::milliseconds kDefaultGrace{2000};

 private:
  ChildProcess(pid_t pid, int stdin_fd, int stdout_fd, int stderr_fd,
               StderrDrain::LineSink stderr_sink);
  bool WaitForExit(std::chrono::milliseconds limit);  // true once reaped

  pid_t pid_;
  int stdin_fd_;
  int stdout_fd_;
  std::optional<int> wait_status_;
  StderrDrain drain_;
};

}  // namespace mcpgw::upstream
