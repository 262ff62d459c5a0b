#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace mcpgw::upstream {

enum class TransportType { kStdio, kHttp, kSse, kWebSocket };

// One entry of the config's "mcpServers", validated and with ${VAR} already expanded.
struct ServerConfig {
  std::string name;
  TransportType type = TransportType::kStdio;
  // stdio
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;  // merged over the gateway's own environment
  std::string cwd;                          // empty: the gateway's working directory
  // http, sse, websocket
  std::string url;
  std::map<std::string, std::string> headers;
  // all
  std::chrono::milliseconds timeout{60000};
  bool enabled = true;
  std::size_t max_message_bytes = 16 * 1024 * 1024;
};

}  // namespace mcpgw::upstream
