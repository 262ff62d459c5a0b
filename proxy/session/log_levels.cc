#include "proxy/session/log_levels.h"

#include <algorithm>
#include <array>

namespace mcpgw::proxy {

namespace {

constexpr std::array<std::string_view, 8> kLevels = {"debug", "info",     "notice", "warning",
                                                     "error", "critical", "alert",  "emergency"};

}  // namespace

std::optional<int> LogLevelRank(std::string_view name) {
  auto found = std::find(kLevels.begin(), kLevels.end(), name);
  if (found == kLevels.end()) return std::nullopt;
  return static_cast<int>(found - kLevels.begin());
}

std::string_view LogLevelName(int rank) { return kLevels.at(static_cast<std::size_t>(rank)); }

}  // namespace mcpgw::proxy
