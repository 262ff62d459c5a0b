#include "proxy/access/report.h"

#include "policy/analysis.h"
#include "proxy/routing/resource_uri.h"

#include <fmt/format.h>

#include <optional>

namespace mcpgw::proxy {
namespace {

std::string RuleText(const policy::Rule& rule) {
  return fmt::format("{{server \"{}\", tool \"{}\", level {}}}", rule.server, rule.tool,
                     policy::LevelName(rule.level));
}

std::string DecidingRule(const policy::Explanation& why) {
  const policy::Decision& decision = why.decision;
  if (decision.policy.empty()) return "none (permissions.default)";
  if (why.rule == nullptr) {
    return fmt::format("none (the default of policy \"{}\")", decision.policy);
  }
  return fmt::format("policies.{}.rules[{}] {}", decision.policy, *decision.rule,
                     RuleText(*why.rule));
}

std::vector<std::string> ServerNames(const Config& config) {
  std::vector<std::string> names;
  for (const auto& server : config.servers) names.push_back(server.name);
  return names;
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
  const policy::Explanation why = policy::Explain(config.permissions, who, real, tool);
  const policy::Decision& decision = why.decision;
  return fmt::format("server: {}\ntool: {}\ndecision: {}\npolicy: {}\nrule: {}\nreason: {}\n", real,
                     tool, policy::LevelName(decision.level),
                     decision.policy.empty() ? "none" : decision.policy, DecidingRule(why),
                     decision.reason);
}

std::vector<std::string> AccessWarnings(const Config& config) {
  std::vector<std::string> warnings;
  const std::vector<std::string> servers = ServerNames(config);
  for (const policy::PlacedRule& placed :
       policy::RulesMatchingNoServer(config.permissions, servers)) {
    warnings.push_back(
        fmt::format("policies.{}.rules[{}]: server \"{}\" matches no configured "
                    "server, so this rule never applies",
                    placed.policy, placed.index, placed.rule->server));
  }
  AddUriRuleWarnings(config, warnings);
  for (std::string_view key :
       policy::KeysDeniedEverywhere(config.permissions, config.keys, servers)) {
    warnings.push_back(
        fmt::format("key \"{}\" is denied everything on every configured server", key));
  }
  return warnings;
}

}  // namespace mcpgw::proxy
