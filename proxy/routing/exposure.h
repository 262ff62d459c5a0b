#pragma once

// Per-server exposure (README "Config reference", `tools` and `prompts` of a server): which of a
// server's tools or prompts clients see, and under which name and description. Pure values and
// functions: any thread.

#include "protocol/status.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::proxy {

// The overrides for one kind of item of one server. Every key is an item's real name (the one
// its upstream lists); the default exposes every item as offered.
struct ItemExposure {
  std::optional<std::vector<std::string>> allow;   // globs; absent: every item is allowed
  std::vector<std::string> deny;                   // globs; a match hides the item
  std::map<std::string, std::string> rename;       // real name -> name under the server
  std::map<std::string, std::string> description;  // real name -> description clients see
  bool operator==(const ItemExposure&) const = default;
};

// A server's overrides for its tools and for its prompts.
struct Exposure {
  ItemExposure tools;
  ItemExposure prompts;
  // True: its items are exposed as <server><separator><name>; false ("prefix": false): under
  // their own names, sanitized and shortened like any exposed name.
  bool prefix = true;
  bool operator==(const Exposure&) const = default;
};

// True when an item with this real name is shown: no allow list or one of its globs matches,
// and no deny glob matches.
bool IsExposed(const ItemExposure& exposure, const std::string& real_name);

// The item as clients see it, before namespacing: nullopt when it is hidden (or has no string
// "name" to match), else a copy with "name" replaced by its rename and "description" by its
// override when those exist.
std::optional<protocol::Json> Expose(const ItemExposure& exposure, const protocol::Json& item);

}  // namespace mcpgw::proxy
