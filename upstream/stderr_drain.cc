#include "upstream/stderr_drain.h"

#include "protocol/guard.h"
#include "protocol/log.h"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <cerrno>

namespace mcpgw::upstream {
namespace {

constexpr std::size_t kMaxLineBytes = 8 * 1024;  // longer lines are passed on in pieces

}  // namespace

StderrDrain::StderrDrain(int fd, LineSink sink) : fd_(fd), sink_(std::move(sink)) {
  if (pipe2(wake_pipe_, O_CLOEXEC) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
  thread_ = std::thread([this] { protocol::Guarded("the stderr reader", [this] { Run(); }); });
}

StderrDrain::~StderrDrain() {
  if (wake_pipe_[1] >= 0) {
    char byte = 0;
    [[maybe_unused]] ssize_t n = write(wake_pipe_[1], &byte, 1);
  }
  thread_.join();
  for (int fd : {fd_, wake_pipe_[0], wake_pipe_[1]}) {
    if (fd >= 0) close(fd);
  }
}

StderrDrain::LineSink StderrDrain::LogAs(std::string server) {
  return [server = std::move(server)](std::string_view line) {
    log::Event(log::Level::kInfo, "upstream_stderr", {{"server", server}}, "{}", line);
  };
}

void StderrDrain::Run() {
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (poll(fds, wake_pipe_[0] >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) {
      // Asked to stop: pass on what the child already wrote, without waiting for more.
      fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
      while (ReadChunk()) {
      }
      break;
    }
    if (!ReadChunk()) break;
  }
  if (!partial_.empty()) sink_(partial_);
}

bool StderrDrain::ReadChunk() {
  char buffer[4096];
  ssize_t n = read(fd_, buffer, sizeof buffer);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) return false;
  for (char c : std::string_view(buffer, static_cast<std::size_t>(n))) {
    if (c == '\n' || partial_.size() >= kMaxLineBytes) {
      if (!partial_.empty() && partial_.back() == '\r') partial_.pop_back();
      if (!partial_.empty()) sink_(partial_);
      partial_.clear();
      if (c == '\n') continue;
    }
    partial_.push_back(c);
  }
  return true;
}

}  // namespace mcpgw::upstream
