#pragma once

#include "protocol/json_scan.h"

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::upstream {

enum class TransportType { kStdio, kHttp, kSse, kWebSocket };

// Which era of MCP a server is spoken to in (README "Protocol eras"): found by probing with
// server/discover (kAuto), or fixed.
enum class EraSetting { kAuto, kLegacy, kModern };
inline constexpr std::string_view kEraSettingNames[] = {"auto", "legacy", "modern"};
inline std::string_view EraSettingName(EraSetting era) {
  return kEraSettingNames[static_cast<int>(era)];
}

enum class AuthType { kNone, kBearer, kApiKey, kBasic, kOAuth2 };

// How the gateway proves itself to a remote upstream (README "Remote upstreams: transports and
// credentials"). Holds secrets: never format any field but type and header into a log line, a
// Status message or `mcpgw check`.
struct AuthConfig {
  AuthType type = AuthType::kNone;
  std::string token;                 // bearer
  std::string key;                   // api_key
  std::string header = "X-API-Key";  // api_key
  std::string username, password;    // basic
  std::string client_id, client_secret, token_url, scope, audience;  // oauth2
  bool operator==(const AuthConfig&) const = default;
};

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
  std::map<std::string, std::string> headers;  // values may be secrets: never logged
  AuthConfig auth;
  bool tls_verify = true;
  std::string ca_file;  // empty: the system's CA store
  // type http given by a bare "url": fall back to legacy HTTP+SSE when the server rejects the
  // Streamable HTTP initialize (transports spec, "Backwards Compatibility").
  bool sse_fallback = false;
  // all
  EraSetting era = EraSetting::kAuto;
  // "isolation": "session": every downstream session gets a connection of its own (README
  // "Requests from servers"); false: one connection shared by all, the default.
  bool isolated = false;
  std::chrono::milliseconds timeout{60000};
  bool enabled = true;
  std::size_t max_message_bytes = 16 * 1024 * 1024;
  std::size_t max_json_depth = protocol::kDefaultMaxJsonDepth;  // gateway.max_json_depth
  // Equal entries keep their running Upstream on reload.
  bool operator==(const ServerConfig&) const = default;
};

}  // namespace mcpgw::upstream
