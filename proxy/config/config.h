#pragma once

#include "policy/keys.h"
#include "policy/permissions.h"
#include "policy/rate_limits.h"
#include "protocol/json_scan.h"
#include "protocol/status.h"
#include "proxy/routing/exposure.h"
#include "upstream/server_config.h"

#include <chrono>
#include <filesystem>
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
  // How deep arrays and objects may nest in any JSON the gateway reads from a peer (clients,
  // upstreams, the admin API, token endpoints); deeper messages are refused as invalid.
  std::size_t max_json_depth = protocol::kDefaultMaxJsonDepth;
  std::size_t workers = 8;  // downstream requests handled at once
  // Modern clients' calls held while they gather input (README "Input required"): the longest
  // wait for the retry, and how many may wait per key and in all.
  std::chrono::milliseconds held_call_timeout{60000};
  std::size_t max_held_calls_per_key = 64;
  std::size_t max_held_calls = 1024;
  // HTTP mode (README "HTTP mode").
  std::string session_secret;  // signs session ids; empty: MCPGW_SESSION_SECRET, else random
  std::vector<std::string> allowed_origins;  // e.g. "https://app.example.com"
  std::vector<std::string> allowed_hosts;    // Host header names, without the port
  std::string tls_cert, tls_key;             // PEM files; both or neither
  // How long SIGTERM/SIGINT waits for calls in flight before the upstreams are stopped.
  std::chrono::milliseconds drain_timeout{10000};
  std::chrono::milliseconds sse_keepalive{15000};  // between comment lines on idle SSE streams
  // A session id is refused this long after initialize (whole seconds, rounded up).
  std::chrono::milliseconds session_lifetime{24 * 60 * 60 * 1000};
  // A replica ends a session nobody has used this long (0: never); see README "HTTP mode".
  std::chrono::milliseconds session_idle_timeout{30 * 60 * 1000};
  std::size_t max_sessions = 10000;  // sessions one replica holds (and ended ids it remembers)
  std::size_t http_max_header_bytes = 64 * 1024;   // a request's line and header lines (431)
  std::size_t http_max_headers = 100;              // a request's header fields (431)
  // From a request's first byte to the end of its header, and for its whole body; a client too
  // slow is disconnected.
  std::chrono::milliseconds http_header_timeout{10000};
  std::chrono::milliseconds http_body_timeout{30000};
};

// The config's "audit" object (README "Audit log"). Absent: no audit lines.
struct AuditSettings {
  bool enabled = false;
  std::string file;  // absolute (resolved against the config's directory); empty: stderr
  bool include_arguments = false;
  bool include_results = false;
};

// A validated config (README "Config reference"). Servers are sorted by name.
struct Config {
  std::vector<upstream::ServerConfig> servers;
  std::map<std::string, std::string> aliases;  // alias -> server name
  GatewaySettings gateway;
  std::vector<policy::KeyEntry> keys;  // "keys": who may call (hashes only, never a key)
  policy::Permissions permissions;     // "policies" and "permissions"
  AuditSettings audit;                 // "audit"
  // Key name -> its "rate_limit_rpm" and "rate_limits"; keys without limits are absent.
  std::map<std::string, policy::RateLimits, std::less<>> rate_limits;
  // Server name -> its "tools" and "prompts" overrides; servers without them are absent.
  std::map<std::string, Exposure> exposure;
};

// The config's name for a transport type: "stdio", "http", "sse" or "websocket".
std::string_view TransportTypeName(upstream::TransportType type);

// Looks up an environment variable for ${VAR} expansion; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Looks variables up with getenv. Safe to call from any thread as long as nobody calls setenv.
EnvLookup ProcessEnvironment();

// Parses and validates config text; ${VAR} in string values expands through `env`. A relative
// "cwd" is resolved against `base_dir` (left as written when base_dir is empty). Never throws.
// On failure the status is kInvalidArgument and its message starts with the JSON path of the
// field at fault, e.g. "mcpServers.fs.timeout_ms: must be a positive integer"; invalid JSON is
// reported with its line and column. Any thread may call it; `env` is called on that thread.
protocol::Result<Config> ParseConfig(std::string_view text, const EnvLookup& env,
                                     const std::filesystem::path& base_dir = {});

// Reads the file and parses it, resolving relative "cwd" values against the file's directory.
// An unreadable file gives kInvalidArgument "cannot read config FILE: reason". Any thread.
protocol::Result<Config> LoadConfig(const std::string& path, const EnvLookup& env);

}  // namespace mcpgw::proxy
