#pragma once

#include "proxy/config.h"

#include <string>

namespace mcpgw::proxy {

// A human-readable summary of a validated config for `mcpgw check`: each server with its type,
// command line or URL, working directory, timeout and whether it is enabled; the aliases; the
// gateway settings. Secrets stay out: env and header values are never printed (only their
// names), and a URL loses its user info and query. Pure; any thread.
std::string DescribeConfig(const Config& config);

}  // namespace mcpgw::proxy
