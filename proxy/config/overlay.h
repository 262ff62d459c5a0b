#pragma once

// The admin's changes to the registry (README "Admin API and reload"), kept apart from the
// operator's config file as an overlay: the gateway runs config + overlay. Entries are kept as
// the admin sent them, ${VAR} references unexpanded, so no secret is ever written out. Pure
// values and functions: any thread.

#include "protocol/status.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

namespace mcpgw::proxy {

struct ConfigOverlay {
  std::map<std::string, protocol::Json> servers;  // added or replaced: raw mcpServers entries
  std::set<std::string> removed_servers;
  std::map<std::string, bool> enabled;         // server -> enabled, over its entry's own
  std::map<std::string, std::string> aliases;  // added or replaced: alias -> server
  std::set<std::string> removed_aliases;

  bool operator==(const ConfigOverlay&) const = default;

  // The edits the admin API makes; each undoes any earlier edit of the same name.
  void PutServer(const std::string& name, protocol::Json entry);
  void RemoveServer(const std::string& name);
  void SetEnabled(const std::string& name, bool enabled);
  void PutAlias(const std::string& alias, const std::string& server);
  void RemoveAlias(const std::string& alias);
};

// `config` (a config document, an object with an object "mcpServers") with the overlay applied:
// removed servers and aliases taken out, put ones set, enabled flags written into the entries
// that exist. Anything else in `config` is left as it is; validating the result is the
// caller's job (ParseConfig).
protocol::Json ApplyOverlay(protocol::Json config, const ConfigOverlay& overlay);

// The state file's form of an overlay, and back. ParseOverlay fails with kInvalidArgument
// "PATH: what" (PATH like "servers.fs" or "removed_aliases[0]") for a document of another shape.
protocol::Json OverlayToJson(const ConfigOverlay& overlay);
protocol::Result<ConfigOverlay> ParseOverlay(const protocol::Json& doc);

}  // namespace mcpgw::proxy
