#include "upstream/era_memory.h"

#include <map>
#include <mutex>

namespace mcpgw::upstream {
namespace {

struct Memory {
  std::mutex mutex;
  std::map<std::string, Era> eras;  // guarded by mutex
};

Memory& TheMemory() {
  static Memory memory;
  return memory;
}

}  // namespace

std::optional<Era> RememberedEra(const std::string& endpoint) {
  Memory& memory = TheMemory();
  std::lock_guard lock(memory.mutex);
  auto found = memory.eras.find(endpoint);
  if (found == memory.eras.end()) return std::nullopt;
  return found->second;
}

void RememberEra(const std::string& endpoint, Era era) {
  Memory& memory = TheMemory();
  std::lock_guard lock(memory.mutex);
  memory.eras[endpoint] = era;
}

}  // namespace mcpgw::upstream
