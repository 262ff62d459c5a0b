#include "proxy/access/report.h"

#include "policy/decide.h"
#include "policy/glob.h"
#include "proxy/routing/resource_uri.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

namespace mcpgw::proxy {
namespace {

using policy::Level;

std::string RuleText(const policy::Rule& rule) {
  return fmt::format("{{server \"{}\", tool \"{}\", level {}}}", rule.server, rule.tool,
                     policy::LevelName(rule.level));
}

std::string DecidingRule(const Config& config, const policy::Decision& decision) {
  if (decision.policy.empty()) return "none (permissions.default)";
  auto found = config.permissions.policies.find(decision.policy);
  if (!decision.rule || found == config.permissions.policies.end()) {
    return fmt::format("none (the default of policy \"{}\")", decision.policy);
  }
  return fmt::format("policies.{}.rules[{}] {}", decision.policy, *decision.rule,
                     RuleText(found->second.rules.at(*decision.rule)));
}

bool AnyServerMatches(const Config& config, const std::string& pattern) {
  return std::any_of(config.servers.begin(), config.servers.end(),
                     [&](const auto& server) { return policy::GlobMatch(pattern, server.name); });
}

// Tool names that reach every rule: each rule's tool glob with its wildcards filled in, and a
// name no literal rule names (it reaches `*` rules and policy defaults).
std::set<std::string> ProbeNames(const Config& config) {
  std::set<std::string> names = {"\x01mcpgw-probe"};
  for (const auto& [name, body] : config.permissions.policies) {
    for (const policy::Rule& rule : body.rules) {
      std::string probe;
      for (char c : rule.tool) {
        if (c != '*') probe += c == '?' ? 'x' : c;
      }
      names.insert(std::move(probe));
    }
  }
  return names;
}

bool DeniedEverywhere(const Config& config, const policy::Principal& who,
                      const std::set<std::string>& probes) {
  for (const auto& server : config.servers) {
    for (const std::string& tool : probes) {
      if (policy::Decide(config.permissions, who, server.name, tool).level >= Level::kRead) {
        return false;
      }
    }
  }
  return true;
}

// Resources are decided on their canonical URI (resource_uri.h): a rule spelling one otherwise
// ("FILE:///pub/*", "file:///pub/%70rivate/*") would never match. Rules stay as written, since a
// glob with ':' need not be a URI; mcpgw check says so instead.
std::optional<std::string> UncanonicalUriRule(const std::string& tool) {
  if (tool.find(':') == std::string::npos) return std::nullopt;
  protocol::Result<std::string> canonical = CanonicalUri(tool);
  if (!canonical.ok() || *canonical == tool) return std::nullopt;
  return fmt::format(
      "tool \"{}\" is a resource URI not in canonical form; resources are decided on \"{}\"",
      tool, *canonical);
}

void AddUriRuleWarnings(const Config& config, std::vector<std::string>& warnings) {
  for (const auto& [name, body] : config.permissions.policies) {
    for (std::size_t i = 0; i < body.rules.size(); ++i) {
      if (auto warning = UncanonicalUriRule(body.rules[i].tool)) {
        warnings.push_back(fmt::format("policies.{}.rules[{}]: {}", name, i, *warning));
      }
    }
  }
}

}  // namespace

std::string ExplainDecision(const Config& config, const policy::Principal& who,
                            const std::string& server, const std::string& tool) {
  auto alias = config.aliases.find(server);
  const std::string& real = alias == config.aliases.end() ? server : alias->second;
  policy::Decision decision = policy::Decide(config.permissions, who, real, tool);
  return fmt::format("server: {}\ntool: {}\ndecision: {}\npolicy: {}\nrule: {}\nreason: {}\n", real,
                     tool, policy::LevelName(decision.level),
                     decision.policy.empty() ? "none" : decision.policy,
                     DecidingRule(config, decision), decision.reason);
}

std::vector<std::string> AccessWarnings(const Config& config) {
  std::vector<std::string> warnings;
  for (const auto& [name, body] : config.permissions.policies) {
    for (std::size_t i = 0; i < body.rules.size(); ++i) {
      if (AnyServerMatches(config, body.rules[i].server)) continue;
      warnings.push_back(
          fmt::format("policies.{}.rules[{}]: server \"{}\" matches no configured "
                      "server, so this rule never applies",
                      name, i, body.rules[i].server));
    }
  }
  AddUriRuleWarnings(config, warnings);
  const std::set<std::string> probes = ProbeNames(config);
  for (const policy::KeyEntry& key : config.keys) {
    if (!DeniedEverywhere(config, {key.name, key.team, key.org}, probes)) continue;
    warnings.push_back(
        fmt::format("key \"{}\" is denied everything on every configured server", key.name));
  }
  return warnings;
}

}  // namespace mcpgw::proxy
