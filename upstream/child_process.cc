#include "upstream/child_process.h"

#include "protocol/log.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

extern char** environ;

namespace mcpgw::upstream {
namespace {

using protocol::Status;
using protocol::StatusCode;

constexpr const char* kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

struct Pipe {
  int read = -1;
  int write = -1;
};

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
}

bool OpenPipes(Pipe (&pipes)[3]) {
  for (Pipe& pipe : pipes) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    pipe = {fds[0], fds[1]};
  }
  return true;
}

void ClosePipes(Pipe (&pipes)[3]) {
  for (Pipe& pipe : pipes) CloseAll({pipe.read, pipe.write});
}

// argv or envp for exec: pointers into strings that outlive the call.
std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

std::string PathOf(const std::vector<std::string>& env) {
  for (const std::string& entry : env) {
    if (entry.starts_with("PATH=")) return entry.substr(5);
  }
  return kDefaultPath;
}

bool IsExecutableFile(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && access(path.c_str(), X_OK) == 0;
}

// The child starts in its own process group (so a signal reaches its helpers too) with no
// blocked signals and SIGPIPE back at its default (the gateway ignores it; exec would keep that).
void InitAttributes(posix_spawnattr_t* attributes) {
  posix_spawnattr_init(attributes);
  sigset_t no_signals, default_signals;
  sigemptyset(&no_signals);
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigmask(attributes, &no_signals);
  posix_spawnattr_setsigdefault(attributes, &default_signals);
  posix_spawnattr_setpgroup(attributes, 0);
  posix_spawnattr_setflags(attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

// posix_spawn does the fork/exec: only async-signal-safe work happens in the child, and exec
// failures (including a bad cwd) come back as its return value.
int SpawnWithPipes(const std::string& file, std::vector<std::string>& argv,
                   std::vector<std::string>& envp, const std::string& cwd, Pipe (&pipes)[3],
                   pid_t* pid) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawn_file_actions_adddup2(&actions, pipes[0].read, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipes[1].write, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipes[2].write, STDERR_FILENO);
  posix_spawnattr_t attributes;
  InitAttributes(&attributes);
  std::vector<char*> argv_pointers = CStrings(argv);
  std::vector<char*> envp_pointers = CStrings(envp);
  int error = posix_spawn(pid, file.c_str(), &actions, &attributes, argv_pointers.data(),
                          envp_pointers.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return error;
}

Status SpawnFailure(const ServerConfig& config, const std::string& why) {
  return Status(StatusCode::kUnavailable,
                "upstream '" + config.name + "' failed to start '" + config.command + "': " + why,
                {{"server", config.name}});
}

}  // namespace

std::vector<std::string> MergeEnvironment(const char* const* base,
                                          const std::map<std::string, std::string>& overrides) {
  std::vector<std::string> merged;
  for (const char* const* entry = base; entry && *entry; ++entry) {
    std::string_view text(*entry);
    std::string name(text.substr(0, text.find('=')));
    if (!overrides.contains(name)) merged.emplace_back(text);
  }
  for (const auto& [name, value] : overrides) merged.push_back(name + "=" + value);
  return merged;
}

std::optional<std::string> ResolveCommand(const std::string& command, const std::string& path,
                                          const std::string& cwd) {
  if (command.empty()) return std::nullopt;
  if (command.find('/') != std::string::npos) return command;
  std::string_view rest = path;
  while (true) {
    std::string_view dir = rest.substr(0, rest.find(':'));
    std::string candidate = (dir.empty() ? std::string(".") : std::string(dir)) + "/" + command;
    bool relative = candidate.front() != '/';
    if (IsExecutableFile(relative && !cwd.empty() ? cwd + "/" + candidate : candidate)) {
      return candidate;
    }
    if (dir.size() == rest.size()) return std::nullopt;
    rest.remove_prefix(dir.size() + 1);
  }
}

protocol::Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const ServerConfig& config, StderrDrain::LineSink stderr_sink) {
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
  std::vector<std::string> envp = MergeEnvironment(environ, config.env);
  std::optional<std::string> file = ResolveCommand(config.command, PathOf(envp), config.cwd);
  if (!file) return SpawnFailure(config, "command not found in PATH");
  std::vector<std::string> argv{config.command};
  argv.insert(argv.end(), config.args.begin(), config.args.end());
  Pipe pipes[3];
  if (!OpenPipes(pipes)) {
    ClosePipes(pipes);
    return SpawnFailure(config, std::strerror(errno));
  }
  pid_t pid = -1;
  if (int error = SpawnWithPipes(*file, argv, envp, config.cwd, pipes, &pid); error != 0) {
    ClosePipes(pipes);
    return SpawnFailure(config, std::strerror(error));
  }
  CloseAll({pipes[0].read, pipes[1].write, pipes[2].write});
  // The command line only: env values and credentials stay out of the log.
  log::Event(log::Level::kInfo, "spawn",
             {{"server", config.name}, {"command", config.command}, {"args", config.args},
              {"pid", pid}, {"principal", "gateway"}},
             "started");
  return std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, pipes[0].write, pipes[1].read, pipes[2].read, std::move(stderr_sink)));
}

ChildProcess::ChildProcess(pid_t pid, int stdin_fd, int stdout_fd, int stderr_fd,
                           StderrDrain::LineSink stderr_sink)
    : pid_(pid),
      stdin_fd_(stdin_fd),
      stdout_fd_(stdout_fd),
      drain_(stderr_fd, std::move(stderr_sink)) {}

ChildProcess::~ChildProcess() {
  Terminate(kDefaultGrace);
  CloseAll({stdin_fd_, stdout_fd_});
}

void ChildProcess::CloseStdin() {
  int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null_fd < 0) return;
  dup3(null_fd, stdin_fd_, O_CLOEXEC);  // atomically replaces (and so closes) the pipe end
  close(null_fd);
}

int ChildProcess::Terminate(std::chrono::milliseconds grace) {
  if (wait_status_) return *wait_status_;
  CloseStdin();
  if (WaitForExit(grace / 2)) return *wait_status_;
  kill(-pid_, SIGTERM);
  if (WaitForExit(grace / 2)) return *wait_status_;
  kill(-pid_, SIGKILL);
  WaitForExit(std::chrono::hours(1));
  return wait_status_.value_or(0);
}

bool ChildProcess::WaitForExit(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    int status = 0;
    pid_t reaped = waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno != EINTR)) {
      wait_status_ = reaped == pid_ ? status : 0;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace mcpgw::upstream
