#pragma once

// What `mcpgw explain` and `mcpgw check` say about the config's keys and policies: the findings
// of policy/analysis.h in words. Pure; any thread.

#include "policy/permissions.h"
#include "proxy/config/config.h"

#include <string>
#include <vector>

namespace mcpgw::proxy {

// The decision for `who` on `tool` of `server` (an alias is resolved first), as lines:
// "server:", "decision:", "policy:", "rule:" (the rule's index and text, or the default that
// decided) and "reason:".
std::string ExplainDecision(const Config& config, const policy::Principal& who,
                            const std::string& server, const std::string& tool);

// Warnings for `mcpgw check`: rules whose server glob matches no configured server, and keys
// that are denied on every configured server for every tool name the rules mention (and any
// other name). Empty when there is nothing to say.
std::vector<std::string> AccessWarnings(const Config& config);

}  // namespace mcpgw::proxy
