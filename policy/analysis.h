#pragma once

// What `mcpgw explain` and `mcpgw check` find out about the permissions: why a caller gets its
// level on an item, rules that never apply, and callers denied everything. Pure; any thread.

#include "policy/decide.h"
#include "policy/keys.h"
#include "policy/permissions.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::policy {

// A decision and the rule that made it.
struct Explanation {
  Decision decision;
  const Rule* rule = nullptr;  // into the permissions; null when a default decided
};

// Why `who` gets its level on `tool` of `server` (the real server name: aliases resolved first).
Explanation Explain(const Permissions& permissions, const Principal& who, std::string_view server,
                    std::string_view tool);

// A rule and its place: policies.<policy>.rules[<index>].
struct PlacedRule {
  std::string_view policy;  // into the permissions
  std::size_t index;
  const Rule* rule;  // into the permissions
};

// The rules whose server glob matches none of `servers`, so that they never apply; by policy
// name, then index.
std::vector<PlacedRule> RulesMatchingNoServer(const Permissions& permissions,
                                              const std::vector<std::string>& servers);

// The names of the keys whose holders are below read on every one of `servers` for every tool
// name the rules mention (each rule's tool glob with its wildcards filled in) and for a name no
// rule mentions; in the order of `keys`, pointing into them.
std::vector<std::string_view> KeysDeniedEverywhere(const Permissions& permissions,
                                                   const std::vector<KeyEntry>& keys,
                                                   const std::vector<std::string>& servers);

}  // namespace mcpgw::policy
