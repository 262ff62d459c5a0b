#pragma once

#include "policy/permissions.h"

#include <string_view>

namespace mcpgw::policy {

// Whether `who` may use the admin API on `server` (README "Admin API and reload"): level admin on
// tool "*" of it, so only a rule whose tool is "*" or a policy default can grant it, never a rule
// for some tools. Pure and thread-safe.
bool MayAdminister(const Permissions& permissions, const Principal& who, std::string_view server);

// Whether `who` may use the gateway-wide admin operations (list all, add, aliases, reload,
// tools): level admin on tool "*" of server "*", i.e. from the policy default (or an all-"*"
// rule). Pure and thread-safe.
bool MayAdministerGateway(const Permissions& permissions, const Principal& who);

}  // namespace mcpgw::policy
