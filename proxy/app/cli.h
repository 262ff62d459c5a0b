#pragma once

#include <optional>
#include <string>

namespace mcpgw::proxy {

// The gateway's commands (README "Command line"). Each returns the process exit code: 0 on
// success, 1 with a one-line reason on stderr otherwise. Only `tools`, `check` and `hash-key`
// print to stdout; Serve keeps stdout for protocol messages alone.

// Serves MCP over stdin/stdout until stdin ends or SIGTERM/SIGINT arrives; with `listen`
// (HOST:PORT, or gateway.listen from the config) serves HTTP instead until SIGTERM/SIGINT, then
// drains and exits 0.
int Serve(const std::string& config_path, const std::string& listen = {});
// Validates the config and prints its servers, aliases and settings, then warnings (exit 0)
// about rules that can never apply and keys that are denied everything. With `connect`, also
// starts the enabled upstreams, waits for them (startup_timeout_ms) and warns about each that
// did not become ready and each item the Catalog left out (name clashes between servers, say).
int Check(const std::string& config_path, bool connect = false);
// Starts the upstreams, waits for them up to the start-up deadline and prints the merged tools
// as MCP tool objects ({"tools": [...]}) or, with format "openai", as OpenAI functions. With
// `key`, only the tools that key may read (as tools/list shows them); an unknown key fails.
int PrintTools(const std::string& config_path, const std::string& format,
               const std::optional<std::string>& key = std::nullopt);
// Prints the decision for the holder of `key` on TOOL of SERVER (an alias is resolved first):
// the level, the policy and rule that decided, and why. An unknown key fails. Never prints the
// key.
int Explain(const std::string& config_path, const std::string& key, const std::string& server,
            const std::string& tool);
// Asks a running gateway to reload its config: with `pid`, sends it SIGHUP; else POSTs
// URL/admin/reload with MCPGW_API_KEY (when set) as the bearer key. 0 once the signal is sent
// or the gateway answered 200; 1 with the reason (and the gateway's error body) otherwise.
int RequestReload(std::optional<int> pid, const std::string& url);
// Prints the config form of a key; without one, reads the key from the first line of stdin.
int PrintKeyHash(const std::optional<std::string>& key);

}  // namespace mcpgw::proxy
