#include "policy/analysis.h"

#include "policy/glob.h"

#include <algorithm>
#include <set>

namespace mcpgw::policy {
namespace {

// Tool names that reach every rule: each rule's tool glob with its wildcards filled in, and a
// name no literal rule names (it reaches `*` rules and policy defaults).
std::set<std::string> ProbeNames(const Permissions& permissions) {
  std::set<std::string> names = {"\x01mcpgw-probe"};
  for (const auto& [name, body] : permissions.policies) {
    for (const Rule& rule : body.rules) {
      std::string probe;
      for (char c : rule.tool) {
        if (c != '*') probe += c == '?' ? 'x' : c;
      }
      names.insert(std::move(probe));
    }
  }
  return names;
}

bool DeniedEverywhere(const Permissions& permissions, const Principal& who,
                      const std::vector<std::string>& servers,
                      const std::set<std::string>& probes) {
  for (const std::string& server : servers) {
    for (const std::string& tool : probes) {
      if (Decide(permissions, who, server, tool).level >= Level::kRead) return false;
    }
  }
  return true;
}

}  // namespace

Explanation Explain(const Permissions& permissions, const Principal& who, std::string_view server,
                    std::string_view tool) {
  Explanation why{Decide(permissions, who, server, tool)};
  auto policy = permissions.policies.find(why.decision.policy);
  if (why.decision.rule && policy != permissions.policies.end()) {
    why.rule = &policy->second.rules.at(*why.decision.rule);
  }
  return why;
}

std::vector<PlacedRule> RulesMatchingNoServer(const Permissions& permissions,
                                              const std::vector<std::string>& servers) {
  std::vector<PlacedRule> unmatched;
  for (const auto& [name, body] : permissions.policies) {
    for (std::size_t i = 0; i < body.rules.size(); ++i) {
      const Rule& rule = body.rules[i];
      if (std::ranges::any_of(servers, [&](const auto& s) { return GlobMatch(rule.server, s); })) {
        continue;
      }
      unmatched.push_back({name, i, &rule});
    }
  }
  return unmatched;
}

std::vector<std::string_view> KeysDeniedEverywhere(const Permissions& permissions,
                                                   const std::vector<KeyEntry>& keys,
                                                   const std::vector<std::string>& servers) {
  const std::set<std::string> probes = ProbeNames(permissions);
  std::vector<std::string_view> denied;
  for (const KeyEntry& key : keys) {
    if (!DeniedEverywhere(permissions, {key.name, key.team, key.org}, servers, probes)) continue;
    denied.push_back(key.name);
  }
  return denied;
}

}  // namespace mcpgw::policy
