#include "policy/decide.h"

#include "policy/glob.h"

#include <fmt/format.h>

#include <tuple>
#include <vector>

namespace mcpgw::policy {
namespace {

// A policy that applies to the caller, and why (for the reason text).
struct Applicable {
  std::string_view name;
  const Policy* policy;  // null when the name names no policy
  std::string attached_to;
};

void AddIfAttached(const Permissions& permissions,
                   const std::map<std::string, std::string, std::less<>>& attachments,
                   const std::string& holder, std::string_view kind,
                   std::vector<Applicable>& out) {
  if (holder.empty()) return;
  auto attached = attachments.find(holder);
  if (attached == attachments.end()) return;
  auto policy = permissions.policies.find(attached->second);
  out.push_back({attached->second,
                 policy == permissions.policies.end() ? nullptr : &policy->second,
                 fmt::format("{} '{}'", kind, holder)});
}

// Closest first: key, team, org.
std::vector<Applicable> ApplicablePolicies(const Permissions& permissions, const Principal& who) {
  std::vector<Applicable> applicable;
  AddIfAttached(permissions, permissions.key_policies, who.name, "key", applicable);
  AddIfAttached(permissions, permissions.team_policies, who.team, "team", applicable);
  AddIfAttached(permissions, permissions.org_policies, who.org, "org", applicable);
  return applicable;
}

bool Matches(const Rule& rule, std::string_view server, std::string_view tool) {
  return GlobMatch(rule.server, server) && GlobMatch(rule.tool, tool);
}

// Greater is more specific: literal patterns first, then literal characters.
auto Specificity(const Rule& rule) {
  GlobSpecificity server = SpecificityOf(rule.server);
  GlobSpecificity tool = SpecificityOf(rule.tool);
  return std::tuple(int(server.literal) + int(tool.literal),
                    server.literal_chars + tool.literal_chars);
}

std::optional<std::size_t> FirstDenyRule(const Policy& policy, std::string_view server,
                                         std::string_view tool) {
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    if (policy.rules[i].level == Level::kDeny && Matches(policy.rules[i], server, tool)) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> MostSpecificRule(const Policy& policy, std::string_view server,
                                            std::string_view tool) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < policy.rules.size(); ++i) {
    if (!Matches(policy.rules[i], server, tool)) continue;
    if (!best || Specificity(policy.rules[i]) > Specificity(policy.rules[*best])) best = i;
  }
  return best;
}

std::string RuleText(const Rule& rule) {
  return fmt::format("{}/{} -> {}", rule.server, rule.tool, LevelName(rule.level));
}

}  // namespace

std::optional<Level> UniformLevel(const Permissions& permissions, const Principal& who) {
  if (!ApplicablePolicies(permissions, who).empty()) return std::nullopt;
  return permissions.default_level;
}

Decision Decide(const Permissions& permissions, const Principal& who, std::string_view server,
                std::string_view tool) {
  std::vector<Applicable> applicable = ApplicablePolicies(permissions, who);
  for (const Applicable& a : applicable) {
    if (a.policy != nullptr) continue;
    return {Level::kDeny, std::string(a.name), std::nullopt,
            fmt::format("policy '{}' of {} does not exist, so nothing is allowed", a.name,
                        a.attached_to)};
  }
  for (const Applicable& a : applicable) {
    if (auto rule = FirstDenyRule(*a.policy, server, tool)) {
      return {Level::kDeny, std::string(a.name), rule,
              fmt::format("rule {} of policy '{}' (of {}) denies it, and a deny always wins",
                          RuleText(a.policy->rules[*rule]), a.name, a.attached_to)};
    }
  }
  if (applicable.empty()) {
    return {permissions.default_level, "", std::nullopt,
            fmt::format("no policy applies to the caller: permissions.default is {}",
                        LevelName(permissions.default_level))};
  }
  const Applicable& closest = applicable.front();
  if (auto rule = MostSpecificRule(*closest.policy, server, tool)) {
    return {closest.policy->rules[*rule].level, std::string(closest.name), rule,
            fmt::format("rule {} of policy '{}' (of {}) is the most specific match",
                        RuleText(closest.policy->rules[*rule]), closest.name,
                        closest.attached_to)};
  }
  return {closest.policy->default_level, std::string(closest.name), std::nullopt,
          fmt::format("no rule of policy '{}' (of {}) matches: its default is {}", closest.name,
                      closest.attached_to, LevelName(closest.policy->default_level))};
}

}  // namespace mcpgw::policy
