#pragma once

#include "upstream/server_config.h"

#include <string>
#include <vector>

namespace mcpgw::upstream {

// How the running set of servers changes between two configs. Only enabled servers run, so a
// server that becomes disabled is removed and one that becomes enabled is added. Names sorted.
struct ServerDiff {
  std::vector<std::string> added;      // runs in next only: a new Upstream
  std::vector<std::string> removed;    // ran before only: its Upstream is stopped
  std::vector<std::string> changed;    // runs in both with different settings: replaced
  std::vector<std::string> unchanged;  // equal settings: keeps its Upstream and child process
};

// Compares the enabled servers of `before` and `next` by name and settings. Pure.
ServerDiff DiffServers(const std::vector<ServerConfig>& before,
                       const std::vector<ServerConfig>& next);

}  // namespace mcpgw::upstream
