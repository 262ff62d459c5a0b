#pragma once

// The config's "keys", "policies" and "permissions" (README "Permissions"): who may call, and
// which policy decides what each caller may see and do.

#include "policy/keys.h"
#include "policy/permissions.h"
#include "protocol/status.h"
#include "proxy/config/config.h"

namespace mcpgw::proxy {

// The principal name a session token carries for a caller without a key. No key may take it.
inline constexpr std::string_view kAnonymousPrincipal = "anonymous";

// Reads "keys", "policies" and "permissions" of the config document into `config` (each key's
// "rate_limit_rpm" and "rate_limits" into config.rate_limits); every absent one keeps its
// default (no keys; permissions.default "read"). A config with none of the
// three has no access control: permissions.default is then "execute". Never throws. On failure
// the status is kInvalidArgument and its message starts with the JSON path at fault, e.g.
// "keys[1].hash: must be \"sha256:\" and 64 lowercase hex digits". Any thread.
protocol::Status ParseAccess(const protocol::Json& doc, const EnvLookup& env, Config& config);

}  // namespace mcpgw::proxy
