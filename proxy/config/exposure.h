#pragma once

// The "tools" and "prompts" objects and the "prefix" flag of a server entry (README "Config
// reference"): which of the server's items clients see, and under which names and descriptions.

#include "protocol/status.h"
#include "proxy/config/config.h"
#include "proxy/routing/exposure.h"

#include <map>
#include <string>

namespace mcpgw::proxy {

// Reads "tools", "prompts" and "prefix" of `entry`, the config's mcpServers.<server>, into
// out[server]; leaves `out` alone when the entry has none of them. Never throws. On failure the status is
// kInvalidArgument and its message starts with the JSON path at fault, e.g.
// "mcpServers.fs.tools.allow[1]: must be a string". Any thread; `env` is called on it.
protocol::Status ParseExposure(const std::string& server, const protocol::Json& entry,
                               const EnvLookup& env, std::map<std::string, Exposure>& out);

}  // namespace mcpgw::proxy
