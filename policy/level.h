#pragma once

#include <optional>
#include <string_view>

namespace mcpgw::policy {

// Permission levels, weakest first, so that a stronger level compares greater:
// read lets a caller list an item, execute lets it call, get or read it, admin adds the admin API.
enum class Level { kDeny, kRead, kExecute, kAdmin };

std::string_view LevelName(Level level);
// "deny", "read", "execute" or "admin"; nullopt for anything else (case-sensitive).
std::optional<Level> ParseLevel(std::string_view name);

}  // namespace mcpgw::policy
