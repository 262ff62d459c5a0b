#include "policy/level.h"

namespace mcpgw::policy {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDeny: return "deny";
    case Level::kRead: return "read";
    case Level::kExecute: return "execute";
    case Level::kAdmin: return "admin";
  }
  return "deny";
}

std::optional<Level> ParseLevel(std::string_view name) {
  for (Level level : {Level::kDeny, Level::kRead, Level::kExecute, Level::kAdmin}) {
    if (LevelName(level) == name) return level;
  }
  return std::nullopt;
}

}  // namespace mcpgw::policy
