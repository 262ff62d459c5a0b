#pragma once

#include "policy/keys.h"

#include <httplib.h>

#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The principal of an HTTP request, from its Authorization: Bearer or X-API-Key header (see
// IdentifyCaller): anonymous without a key, and always when no keys are configured. A key that is
// empty, matches no configured key, or is given twice with different values gets 401 with
// WWW-Authenticate: Bearer realm="mcpgw" and a JSON-RPC error body (which never holds the key);
// then nullopt is returned. Checked on every request. Called on the HTTP connection threads.
std::optional<policy::Principal> AuthenticateRequest(const httplib::Request& req,
                                                     const std::vector<policy::KeyEntry>& keys,
                                                     httplib::Response& res);

// The name a session token carries for a principal: its key's name, or "anonymous".
std::string PrincipalName(const policy::Principal& principal);

}  // namespace mcpgw::proxy
