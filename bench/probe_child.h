// The process mcp_probe measures: spawned with posix_spawnp, stopped at the end.
#pragma once

#include "protocol/status.h"

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace mcpgw::bench {

class ProbeChild {
 public:
  // Starts argv[0] (searched in PATH) with argv. Its stdin is a pipe whose write end is
  // to_child(); its stdout is a pipe read through from_child() when pipe_stdout, else /dev/null;
  // its stderr is ours when keep_stderr, else /dev/null. Fails with kUnavailable naming the
  // reason; nothing runs then. Our pipe ends are O_CLOEXEC. One thread.
  static protocol::Result<ProbeChild> Spawn(const std::vector<std::string>& argv, bool pipe_stdout,
                                            bool keep_stderr);

  ProbeChild(ProbeChild&& other) noexcept;
  ProbeChild& operator=(ProbeChild&&) = delete;
  // Stop() when still running.
  ~ProbeChild();

  int to_child() const { return to_child_; }
  int from_child() const { return from_child_; }

  // VmHWM of the running process from /proc/PID/status, in kB; nullopt when unreadable.
  std::optional<long> PeakRssKb() const;

  // Closes its stdin and, when terminate, sends SIGTERM; waits up to 3 s for it to exit, then
  // SIGKILLs and reaps it. Closes our pipe ends. Safe to call twice.
  void Stop(bool terminate);

 private:
  ProbeChild(pid_t pid, int to_child, int from_child)
      : pid_(pid), to_child_(to_child), from_child_(from_child) {}

  pid_t pid_ = -1;
  int to_child_ = -1;
  int from_child_ = -1;
};

}  // namespace mcpgw::bench
