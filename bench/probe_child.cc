// The process mcp_probe measures: posix_spawnp with pipes, VmHWM, and a bounded shutdown.
#include "bench/probe_child.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

extern char** environ;

namespace mcpgw::bench {
namespace {

using protocol::Status;
using protocol::StatusCode;

constexpr auto kStopGrace = std::chrono::seconds(3);

void CloseFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Child ends of the pipes, dup2'ed onto 0, 1 and 2 in the child.
posix_spawn_file_actions_t ChildFiles(int stdin_fd, int stdout_fd, bool keep_stderr) {
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_adddup2(&files, stdin_fd, STDIN_FILENO);
  if (stdout_fd >= 0) {
    posix_spawn_file_actions_adddup2(&files, stdout_fd, STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  }
  if (!keep_stderr)
    posix_spawn_file_actions_addopen(&files, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  return files;
}

}  // namespace

protocol::Result<ProbeChild> ProbeChild::Spawn(const std::vector<std::string>& argv,
                                               bool pipe_stdout, bool keep_stderr) {
  int in[2] = {-1, -1};
  int out[2] = {-1, -1};
  if (pipe2(in, O_CLOEXEC) != 0 || (pipe_stdout && pipe2(out, O_CLOEXEC) != 0)) {
    for (int& fd : in) CloseFd(fd);
    return Status(StatusCode::kUnavailable, std::string("pipe2: ") + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t files = ChildFiles(in[0], out[1], keep_stderr);
  pid_t pid = -1;
  int error = posix_spawnp(&pid, args[0], &files, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  CloseFd(in[0]);
  CloseFd(out[1]);
  if (error != 0) {
    CloseFd(in[1]);
    CloseFd(out[0]);
    return Status(StatusCode::kUnavailable,
                  "cannot start " + argv[0] + ": " + std::strerror(error));
  }
  return ProbeChild(pid, in[1], out[0]);
}

ProbeChild::ProbeChild(ProbeChild&& other) noexcept
    : pid_(other.pid_), to_child_(other.to_child_), from_child_(other.from_child_) {
  other.pid_ = -1;
  other.to_child_ = -1;
  other.from_child_ = -1;
}

ProbeChild::~ProbeChild() { Stop(true); }

std::optional<long> ProbeChild::PeakRssKb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (status >> key) {
    long kb = 0;
    if (key == "VmHWM:" && status >> kb) return kb;
    status.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

void ProbeChild::Stop(bool terminate) {
  CloseFd(to_child_);
  if (pid_ > 0) {
    if (terminate) kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + kStopGrace;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
  }
  CloseFd(from_child_);
}

}  // namespace mcpgw::bench
