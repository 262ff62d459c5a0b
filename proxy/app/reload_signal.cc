#include "proxy/app/reload_signal.h"

#include "protocol/guard.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace mcpgw::proxy {
namespace {

std::atomic<int> signal_pipe{-1};  // the write end, for the handler

void OnHangup(int) {
  int saved = errno;  // a handler must leave errno as it found it
  char byte = 'h';
  if (int fd = signal_pipe.load(); fd >= 0) (void)!write(fd, &byte, 1);
  errno = saved;
}

}  // namespace

ReloadOnSignal::ReloadOnSignal(Registry& registry) : registry_(registry) {
  if (pipe2(pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");  // start-up
  signal_pipe = pipe_[1];
  std::signal(SIGHUP, OnHangup);
  thread_ = std::thread([this] { Run(); });
}

ReloadOnSignal::~ReloadOnSignal() {
  std::signal(SIGHUP, SIG_IGN);
  signal_pipe = -1;
  char byte = 'q';
  (void)!write(pipe_[1], &byte, 1);
  thread_.join();
  close(pipe_[0]);
  close(pipe_[1]);
}

void ReloadOnSignal::Run() {
  for (;;) {
    char byte = 0;
    ssize_t n = read(pipe_[0], &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || byte == 'q') return;
    // A rejected config is logged by Reload.
    protocol::Guarded("reload", [this] { (void)registry_.Reload("SIGHUP"); });
  }
}

}  // namespace mcpgw::proxy
