#include "protocol/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace mcpgw::log {
namespace {

std::atomic<Level> min_level{Level::kInfo};
std::mutex write_mutex;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "?";
}

}  // namespace

void SetLevel(Level level) { min_level = level; }

bool Enabled(Level level) { return level >= min_level.load(std::memory_order_relaxed); }

void Write(Level level, std::string_view text) {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string line = fmt::format("{:%Y-%m-%dT%H:%M:%S}Z mcpgw {}: {}\n",
                                 fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                                 LevelName(level), text);
  std::lock_guard lock(write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace mcpgw::log
