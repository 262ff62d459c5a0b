#pragma once

#include "proxy/config/config.h"

#include <optional>
#include <string>

namespace mcpgw::proxy {

// A human-readable summary of a validated config for `mcpgw check`: each server with its type,
// command line or URL, working directory, timeout and whether it is enabled; the aliases; the
// gateway settings. Secrets stay out: env and header values are never printed (only their
// names), and a URL loses its user info and query. Pure; any thread.
std::string DescribeConfig(const Config& config);

// The warning `mcpgw check` gives when the config has no keys and the gateway would serve HTTP on
// a loopback address (or may be told to with --listen): the admin API is then open, with no
// authentication, to every local user and process, which is safe on a single-user machine only.
// nullopt when there is nothing to say. Pure; any thread.
std::optional<std::string> AdminApiWarning(const Config& config);

}  // namespace mcpgw::proxy
