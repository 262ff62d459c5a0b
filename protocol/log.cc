#include "protocol/log.h"

#include "protocol/log_line.h"

#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <mutex>

namespace mcpgw::log {
namespace {

std::atomic<Level> min_level{Level::kInfo};
std::atomic<Format> line_format{Format::kText};
std::mutex write_mutex;  // one writer at a time, so that a partial write is finished in order

// One write(2) for the whole line (a pipe keeps writes up to PIPE_BUF together even against
// other processes); a short write is finished, an error drops the rest.
void WriteToStderr(std::string_view line) {
  std::lock_guard lock(write_mutex);
  while (!line.empty()) {
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    line.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

void SetLevel(Level level) { min_level = level; }

void SetFormat(Format format) { line_format = format; }

Format format() { return line_format.load(std::memory_order_relaxed); }

bool Enabled(Level level) { return level >= min_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view text) { WriteEvent(level, {}, nullptr, text); }

void WriteEvent(Level level, std::string_view event, const Fields& fields, std::string_view text) {
  WriteToStderr(RenderLine(format(), std::chrono::system_clock::now(), level, event, fields, text));
}

}  // namespace mcpgw::log
