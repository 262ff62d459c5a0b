#include "upstream/server_diff.h"

#include <map>

namespace mcpgw::upstream {
namespace {

std::map<std::string, const ServerConfig*> Running(const std::vector<ServerConfig>& servers) {
  std::map<std::string, const ServerConfig*> running;
  for (const ServerConfig& server : servers) {
    if (server.enabled) running.emplace(server.name, &server);
  }
  return running;
}

}  // namespace

ServerDiff DiffServers(const std::vector<ServerConfig>& before,
                       const std::vector<ServerConfig>& next) {
  auto old_running = Running(before);
  auto new_running = Running(next);
  ServerDiff diff;
  for (const auto& [name, server] : new_running) {
    auto found = old_running.find(name);
    if (found == old_running.end()) {
      diff.added.push_back(name);
    } else {
      (*found->second == *server ? diff.unchanged : diff.changed).push_back(name);
    }
  }
  for (const auto& [name, server] : old_running) {
    if (new_running.count(name) == 0) diff.removed.push_back(name);
  }
  return diff;
}

}  // namespace mcpgw::upstream
