#pragma once

// Who is calling: the key a caller presents (MCPGW_API_KEY over stdio; Authorization: Bearer
// or X-API-Key over HTTP) and the principal it stands for. Never logs or returns a key in a
// message.

#include "policy/keys.h"
#include "protocol/status.h"

#include <optional>
#include <string>

namespace mcpgw::proxy {

// The principal holding `key`: the anonymous principal (empty) when no key is presented or no
// keys are configured (then any key is ignored: README "Permissions"), the key's holder when
// it matches a configured key (in constant time). An empty key or one that matches none fails with
// kPermissionDenied "invalid API key" and never falls back to anonymous. Any thread.
protocol::Result<policy::Principal> IdentifyCaller(const std::vector<policy::KeyEntry>& keys,
                                                   const std::optional<std::string>& key);

// The key an HTTP request presents, from the values of its Authorization and X-API-Key headers
// (nullopt: header absent). nullopt when neither is given. Fails with kPermissionDenied when
// Authorization is not "Bearer KEY", or the two headers give different keys. Any thread.
protocol::Result<std::optional<std::string>> PresentedKey(
    const std::optional<std::string>& authorization, const std::optional<std::string>& api_key);

}  // namespace mcpgw::proxy
