#pragma once

#include <optional>
#include <string_view>

namespace mcpgw::proxy {

// The rank of an MCP log level (RFC 5424 severities: debug, info, notice, warning, error,
// critical, alert, emergency), least severe first; nullopt for any other name.
std::optional<int> LogLevelRank(std::string_view name);
// The level of a rank LogLevelRank gave.
std::string_view LogLevelName(int rank);

// What a client gets for a level that is not one of them.
inline constexpr const char* kLogLevelChoices =
    "debug, info, notice, warning, error, critical, alert, emergency";

}  // namespace mcpgw::proxy
