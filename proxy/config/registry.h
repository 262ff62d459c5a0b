#pragma once

#include "protocol/status.h"
#include "proxy/config/config.h"
#include "proxy/config/overlay.h"
#include "upstream/server_diff.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The config file, the state file beside it and the config they make together.
struct LayeredConfig {
  protocol::Json file;    // the config file's document, as written (${VAR} unexpanded)
  ConfigOverlay overlay;  // the admin's changes, from the state file
  Config config;          // file + overlay, validated, ${VAR} expanded
};

// Reads the config file and its state file (StatePathFor) and validates their combination as a
// whole. Fails with kInvalidArgument: "PATH: reason" with the JSON path of the field at fault
// (an admin-added server is at mcpServers.NAME like any other), or "cannot read config ...".
// Any thread.
protocol::Result<LayeredConfig> LoadLayeredConfig(const std::string& config_path,
                                                  const EnvLookup& env);

// Changes the gateway's live registry (servers, aliases, exposure) and keeps it across restarts
// (README "Admin API and reload"): admin edits go to the state file, reloads re-read both files.
// Each change is validated whole before anything is touched; a rejected one leaves the
// gateway, the overlay and the state file as they were. Borrows its Target, which must
// outlive it. Thread-safe: changes and reloads run one at a time.
class Registry {
 public:
  // Where the changes go: the running gateway.
  class Target {
   public:
    virtual ~Target() = default;
    // Every server in the live registry now, enabled or not, sorted by name. Any thread.
    virtual std::vector<upstream::ServerConfig> Servers() const = 0;
    // Makes the running servers, aliases and exposure what `next` (a validated config) says;
    // the rest of `next` is ignored. Returns what changed in the servers. Called one at a time.
    virtual upstream::ServerDiff Apply(const Config& next) = 0;
  };

  // Edits a copy of the overlay; a failure (e.g. kNotFound) aborts the change with it. Runs
  // under the registry's lock; the servers it is given are the registry's current ones.
  using Edit = std::function<protocol::Status(const std::vector<upstream::ServerConfig>& servers,
                                              ConfigOverlay& overlay)>;

  // `loaded` is what the gateway was started with.
  Registry(Target& target, std::string config_path, LayeredConfig loaded, EnvLookup env);

  // Applies `edit`, validates config + new overlay, writes the state file, then applies the
  // result to the target and logs "admin: WHO WHAT". Fails with the edit's status, with
  // kInvalidArgument "PATH: reason" when the result does not validate, or kInternal when the
  // state file cannot be written.
  protocol::Status Change(const std::string& who, const std::string& what, const Edit& edit);

  // Re-reads the config file and the state file and applies them; logs one line with what was
  // added, changed and removed, and warns about changed settings that need a restart. On a
  // config that does not validate, logs the error with its path and keeps the running registry.
  protocol::Status Reload(const std::string& who);

 private:
  Target& target_;
  const std::string config_path_;
  const std::string state_path_;
  const EnvLookup env_;
  const protocol::Json started_with_;  // the config file at start, for the restart warnings
  std::mutex mutex_;                   // serializes changes: guards the two below
  protocol::Json file_;                // the config file's document now in effect
  ConfigOverlay overlay_;
};

}  // namespace mcpgw::proxy
