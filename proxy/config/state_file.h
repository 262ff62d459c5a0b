#pragma once

// The state file beside the config (README "Admin API and reload"): <config file>.state.json,
// holding the admin's overlay. The operator's config file is never written.

#include "protocol/status.h"
#include "proxy/config/overlay.h"

#include <string>

namespace mcpgw::proxy {

// "conf/team.json" -> "conf/team.json.state.json".
std::string StatePathFor(const std::string& config_path);

// The overlay in the file at `path`; an empty overlay when there is no such file. Fails with
// kInvalidArgument "PATH: reason" (an unreadable file, bad JSON, a field of the wrong shape,
// named with its JSON path). Any thread.
protocol::Result<ConfigOverlay> ReadStateFile(const std::string& path);

// Replaces the file atomically: a temporary file in the same directory (mode 0600), fsync,
// rename over `path`, fsync of the directory. A crash leaves the old file or the new one,
// never a mix. Fails with kInternal naming the step and errno's text; the old file is then
// untouched. Any thread; callers serialize writes to one path.
protocol::Status WriteStateFile(const std::string& path, const ConfigOverlay& overlay);

}  // namespace mcpgw::proxy
