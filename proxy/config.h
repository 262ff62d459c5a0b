#pragma once

#include "protocol/status.h"
#include "upstream/server_config.h"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::proxy {

// The "gateway" object of the config.
struct GatewaySettings {
  std::string separator = "__";
  std::size_t max_tool_name_length = 64;
  std::string listen;  // HOST:PORT for HTTP mode; empty serves stdio
  // How long a list request made while upstreams are still starting waits for them.
  std::chrono::milliseconds startup_timeout{10000};
  // How long a stopping upstream gets between SIGTERM and SIGKILL.
  std::chrono::milliseconds shutdown_grace{2000};
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  std::size_t workers = 8;  // downstream requests handled at once
};

// A validated config (DESIGN.md "Config"). Servers are sorted by name.
struct Config {
  std::vector<upstream::ServerConfig> servers;
  std::map<std::string, std::string> aliases;  // alias -> server name
  GatewaySettings gateway;
};

// Looks up an environment variable for ${VAR} expansion; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup ProcessEnvironment();

// Parses and validates config text. Never throws. On failure the status is kInvalidArgument and
// its message starts with the JSON path of the field at fault, e.g.
// "mcpServers.fs.timeout_ms: must be a positive integer".
protocol::Result<Config> ParseConfig(std::string_view text, const EnvLookup& env);

// Reads the file and parses it; a missing or unreadable file is reported with its path.
protocol::Result<Config> LoadConfig(const std::string& path, const EnvLookup& env);

}  // namespace mcpgw::proxy
