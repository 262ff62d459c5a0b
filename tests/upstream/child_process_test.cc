#include "upstream/child_process.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <csignal>
#include <mutex>

namespace mcpgw::upstream {
namespace {

using namespace std::chrono_literals;
using protocol::StatusCode;

ServerConfig Shell(std::string script) {
  ServerConfig config;
  config.name = "shell";
  config.command = "sh";
  config.args = {"-c", std::move(script)};
  return config;
}

std::string ReadToEnd(int fd) {
  std::string out;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  return out;
}

struct Lines {
  std::mutex mutex;
  std::vector<std::string> lines;
  StderrDrain::LineSink Sink() {
    return [this](std::string_view line) {
      std::lock_guard lock(mutex);
      lines.emplace_back(line);
    };
  }
};

std::unique_ptr<ChildProcess> SpawnOrFail(const ServerConfig& config, Lines* lines = nullptr) {
  Lines unused;
  auto child = ChildProcess::Spawn(config, (lines ? lines : &unused)->Sink());
  REQUIRE_MESSAGE(child.ok(), child.status().message());
  return std::move(child).value();
}

TEST_CASE("MergeEnvironment keeps the gateway's variables and lets config values win") {
  const char* base[] = {"HOME=/home/me", "PATH=/bin", "EMPTY=", nullptr};
  auto merged = MergeEnvironment(base, {{"PATH", "/opt/bin"}, {"NEW", "1"}});
  CHECK(merged == std::vector<std::string>{"HOME=/home/me", "EMPTY=", "NEW=1", "PATH=/opt/bin"});
}

TEST_CASE("ResolveCommand looks a bare name up in PATH and keeps a path with a slash") {
  CHECK(ResolveCommand("sh", "/nonexistent:/bin", "") == "/bin/sh");
  CHECK(ResolveCommand("./server", "/bin", "") == "./server");
  CHECK(ResolveCommand("sh", "/nonexistent", "") == std::nullopt);
  CHECK(ResolveCommand("sh", ".", "/bin") == "./sh");
}

TEST_CASE("ChildProcess passes args and the merged environment to the child") {
  ServerConfig config = Shell("echo \"$1 $MCPGW_TEST_VALUE ${HOME:+home-kept}\"");
  config.args.push_back("argv0");
  config.args.push_back("first-arg");
  config.env = {{"MCPGW_TEST_VALUE", "from-config"}};
  auto child = SpawnOrFail(config);
  CHECK(ReadToEnd(child->stdout_fd()) == "first-arg from-config home-kept\n");
}

TEST_CASE("ChildProcess runs the child in cwd, and a relative command resolves there") {
  ServerConfig config = Shell("pwd");
  config.command = "./sh";
  config.cwd = "/bin";
  auto child = SpawnOrFail(config);
  std::string dir = ReadToEnd(child->stdout_fd());
  CHECK((dir == "/bin\n" || dir == "/usr/bin\n"));
}

TEST_CASE("ChildProcess talks to the child over its stdin and stdout") {
  auto child = SpawnOrFail(Shell("read line; echo \"got $line\""));
  REQUIRE(write(child->stdin_fd(), "hello\n", 6) == 6);
  CHECK(ReadToEnd(child->stdout_fd()) == "got hello\n");
}

TEST_CASE("ChildProcess passes each stderr line to the sink") {
  Lines lines;
  {
    auto child = SpawnOrFail(Shell("echo first >&2; printf 'second\\r\\nthird' >&2"), &lines);
    ReadToEnd(child->stdout_fd());
  }  // the drain has flushed and stopped once the child is gone
  CHECK(lines.lines == std::vector<std::string>{"first", "second", "third"});
}

TEST_CASE("ChildProcess reports a command that is not in PATH as a failed start") {
  ServerConfig config;
  config.name = "ghost";
  config.command = "mcpgw-no-such-command";
  auto child = ChildProcess::Spawn(config, nullptr);
  REQUIRE_FALSE(child.ok());
  CHECK(child.status().code() == StatusCode::kUnavailable);
  CHECK(child.status().message().find("ghost") != std::string::npos);
  CHECK(child.status().detail()["server"] == "ghost");
}

TEST_CASE("ChildProcess reports an exec failure and a missing cwd as a failed start") {
  ServerConfig missing = Shell("true");
  missing.command = "/nonexistent/server";
  CHECK_FALSE(ChildProcess::Spawn(missing, nullptr).ok());
  ServerConfig not_executable = Shell("true");
  not_executable.command = "/etc/hostname";
  CHECK_FALSE(ChildProcess::Spawn(not_executable, nullptr).ok());
  ServerConfig bad_cwd = Shell("true");
  bad_cwd.cwd = "/nonexistent-dir";
  CHECK_FALSE(ChildProcess::Spawn(bad_cwd, nullptr).ok());
}

TEST_CASE("ChildProcess lets a child exit by itself once its stdin closes") {
  auto child = SpawnOrFail(Shell("cat >/dev/null; exit 3"));
  int status = child->Terminate(5s);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
}

TEST_CASE("ChildProcess kills a child that ignores stdin and SIGTERM after the grace period") {
  auto child = SpawnOrFail(Shell("trap '' TERM; while :; do sleep 1; done"));
  auto started = std::chrono::steady_clock::now();
  int status = child->Terminate(200ms);
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  CHECK(child->Terminate(200ms) == status);
}

}  // namespace
}  // namespace mcpgw::upstream
