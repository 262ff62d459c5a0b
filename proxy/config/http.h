#pragma once

#include "protocol/status.h"
#include "proxy/config/config.h"

#include <filesystem>
#include <string>

namespace mcpgw::proxy {

// Reads the HTTP mode's fields of the config's "gateway" object (README "HTTP mode" and
// "Security": origins, hosts, TLS, drain, sessions, request limits) into `out`. Absent fields
// keep their defaults; relative TLS paths resolve against base_dir. Fails with the JSON path of
// the first bad field. Never throws; any thread.
protocol::Status ParseHttpSettings(const protocol::Json& gateway, const EnvLookup& env,
                                   const std::filesystem::path& base_dir, GatewaySettings& out);

// The secret replicas share (session ids, requestState): gateway.session_secret, else the
// environment's MCPGW_SESSION_SECRET; empty when neither is set. Any thread.
std::string SharedSessionSecret(const GatewaySettings& settings);

}  // namespace mcpgw::proxy
