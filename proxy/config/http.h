#pragma once

#include "protocol/status.h"
#include "proxy/config/config.h"

#include <filesystem>

namespace mcpgw::proxy {

// Reads the HTTP mode's fields of the config's "gateway" object (README "HTTP mode" and
// "Security": origins, hosts, TLS, drain, sessions, request limits) into `out`. Absent fields
// keep their defaults; relative TLS paths resolve against base_dir. Fails with the JSON path of
// the first bad field. Never throws; any thread.
protocol::Status ParseHttpSettings(const protocol::Json& gateway, const EnvLookup& env,
                                   const std::filesystem::path& base_dir, GatewaySettings& out);

}  // namespace mcpgw::proxy
