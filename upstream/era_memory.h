#pragma once

#include "upstream/upstream.h"

#include <optional>
#include <string>

namespace mcpgw::upstream {

// The era found for each remote MCP endpoint, kept for the life of the gateway process so that
// a reconnection to a legacy server does not wait on the probe again. Keyed by the endpoint URL
// (two servers on one origin may differ). Any thread.
std::optional<Era> RememberedEra(const std::string& endpoint);
void RememberEra(const std::string& endpoint, Era era);

}  // namespace mcpgw::upstream
