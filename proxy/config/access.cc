#include "proxy/config/access.h"

#include "proxy/config/reader.h"
#include "proxy/config/rate_limits.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;
using protocol::Status;

constexpr std::size_t kMaxKeyNameLength = 64;

bool IsKeyName(std::string_view s) {
  auto name_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  };
  return !s.empty() && s.size() <= kMaxKeyNameLength && std::all_of(s.begin(), s.end(), name_char);
}

bool IsKeyHash(std::string_view s) {
  constexpr std::string_view kPrefix = "sha256:";
  if (!s.starts_with(kPrefix) || s.size() != kPrefix.size() + 64) return false;
  return std::all_of(s.begin() + kPrefix.size(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// A level string at `path` (absent: `fallback`).
Status ReadLevel(const Json& object, std::string_view path, std::string_view key, Level fallback,
                 Level& out) {
  out = fallback;
  auto found = object.find(key);
  if (found == object.end()) return Status::Ok();
  auto level = found->is_string() ? policy::ParseLevel(found->get<std::string>()) : std::nullopt;
  if (!level) return InvalidAt(JoinPath(path, key), "must be one of deny, read, execute, admin");
  out = *level;
  return Status::Ok();
}

Status ReadKey(const Json& entry, const std::string& path, const EnvLookup& env,
               policy::KeyEntry& out, policy::RateLimits& limits) {
  if (!entry.is_object()) return InvalidAt(path, "must be an object");
  Status known =
      CheckKeys(entry, path, {"name", "hash", "team", "org", "rate_limit_rpm", "rate_limits"});
  if (!known.ok()) return known;
  for (std::string_view key : {"name", "hash"}) {
    if (!entry.contains(key)) return InvalidAt(JoinPath(path, key), "is required");
  }
  FieldReader f(entry, path, env);
  f.String("name", out.name, IsKeyName, "a name of A-Z a-z 0-9 _ - (at most 64)");
  f.String("hash", out.hash, IsKeyHash, "\"sha256:\" and 64 lowercase hex digits");
  f.String("team", out.team);
  f.String("org", out.org);
  if (f.status().ok() && out.name == kAnonymousPrincipal) {
    return InvalidAt(JoinPath(path, "name"), "\"anonymous\" is reserved for callers without a key");
  }
  if (!f.status().ok()) return f.status();
  return ReadRateLimits(entry, path, env, limits);
}

Status ParseKeys(const Json& doc, const EnvLookup& env, std::vector<policy::KeyEntry>& out,
                 std::map<std::string, policy::RateLimits, std::less<>>& rate_limits) {
  auto keys = doc.find("keys");
  if (keys == doc.end()) return Status::Ok();
  if (!keys->is_array()) return InvalidAt("keys", "must be an array of keys");
  std::set<std::string> names, hashes;
  for (std::size_t i = 0; i < keys->size(); ++i) {
    std::string path = fmt::format("keys[{}]", i);
    policy::KeyEntry entry;
    policy::RateLimits limits;
    if (Status s = ReadKey((*keys)[i], path, env, entry, limits); !s.ok()) return s;
    if (!names.insert(entry.name).second) {
      return InvalidAt(JoinPath(path, "name"), fmt::format("\"{}\" is used twice", entry.name));
    }
    if (!hashes.insert(entry.hash).second) {
      return InvalidAt(JoinPath(path, "hash"), "is the hash of another key too");
    }
    if (limits.rpm > 0 || !limits.tools.empty()) rate_limits.emplace(entry.name, std::move(limits));
    out.push_back(std::move(entry));
  }
  return Status::Ok();
}

Status ReadRule(const Json& rule, const std::string& path, policy::Rule& out) {
  if (!rule.is_object()) return InvalidAt(path, "must be an object");
  if (Status s = CheckKeys(rule, path, {"server", "tool", "level"}); !s.ok()) return s;
  for (std::string_view key : {"server", "tool", "level"}) {
    if (!rule.contains(key)) return InvalidAt(JoinPath(path, key), "is required");
  }
  for (auto [key, field] : {std::pair{"server", &out.server}, {"tool", &out.tool}}) {
    const Json& value = rule[key];
    if (!value.is_string() || value.get<std::string>().empty()) {
      return InvalidAt(JoinPath(path, key), "must be a non-empty glob (* and ?)");
    }
    *field = value.get<std::string>();
  }
  return ReadLevel(rule, path, "level", Level::kDeny, out.level);
}

Status ReadPolicy(const Json& body, const std::string& path, policy::Policy& out) {
  if (!body.is_object()) return InvalidAt(path, "must be an object");
  if (Status s = CheckKeys(body, path, {"default", "rules"}); !s.ok()) return s;
  if (Status s = ReadLevel(body, path, "default", Level::kDeny, out.default_level); !s.ok()) {
    return s;
  }
  auto rules = body.find("rules");
  if (rules == body.end()) return Status::Ok();
  std::string rules_path = JoinPath(path, "rules");
  if (!rules->is_array()) return InvalidAt(rules_path, "must be an array of rules");
  for (std::size_t i = 0; i < rules->size(); ++i) {
    policy::Rule rule;
    Status s = ReadRule((*rules)[i], fmt::format("{}[{}]", rules_path, i), rule);
    if (!s.ok()) return s;
    out.rules.push_back(std::move(rule));
  }
  return Status::Ok();
}

Status ParsePolicies(const Json& doc, policy::Permissions& out) {
  auto policies = doc.find("policies");
  if (policies == doc.end()) return Status::Ok();
  if (!policies->is_object()) return InvalidAt("policies", "must be an object of policies");
  for (const auto& [name, body] : policies->items()) {
    policy::Policy parsed;
    if (Status s = ReadPolicy(body, JoinPath("policies", name), parsed); !s.ok()) return s;
    out.policies.emplace(name, std::move(parsed));
  }
  return Status::Ok();
}

// permissions.<field>: {NAME: POLICY}; every POLICY must exist.
Status ReadAttachments(const Json& permissions, std::string_view field, const EnvLookup& env,
                       const policy::Permissions& known,
                       std::map<std::string, std::string, std::less<>>& out) {
  std::map<std::string, std::string> attached;
  FieldReader f(permissions, "permissions", env);
  f.StringMap(field, attached);
  if (!f.status().ok()) return f.status();
  for (auto& [name, policy_name] : attached) {
    if (known.policies.count(policy_name) == 0) {
      return InvalidAt(JoinPath(JoinPath("permissions", field), name),
                       fmt::format("names unknown policy \"{}\"", policy_name));
    }
    out.emplace(name, std::move(policy_name));
  }
  return Status::Ok();
}

Status ParsePermissions(const Json& doc, const EnvLookup& env, Config& config) {
  policy::Permissions& out = config.permissions;
  auto permissions = doc.find("permissions");
  if (permissions == doc.end()) return Status::Ok();
  if (!permissions->is_object()) return InvalidAt("permissions", "must be an object");
  Status keys = CheckKeys(*permissions, "permissions", {"default", "keys", "teams", "orgs"});
  if (!keys.ok()) return keys;
  Status level = ReadLevel(*permissions, "permissions", "default", Level::kRead, out.default_level);
  if (!level.ok()) return level;
  for (auto [field, map] : {std::pair{"keys", &out.key_policies},
                            {"teams", &out.team_policies},
                            {"orgs", &out.org_policies}}) {
    if (Status s = ReadAttachments(*permissions, field, env, out, *map); !s.ok()) return s;
  }
  for (const auto& [name, unused] : out.key_policies) {
    bool configured = std::any_of(config.keys.begin(), config.keys.end(),
                                  [&](const policy::KeyEntry& key) { return key.name == name; });
    if (!configured)
      return InvalidAt(JoinPath("permissions.keys", name), "is not a configured key");
  }
  return Status::Ok();
}

}  // namespace

Status ParseAccess(const Json& doc, const EnvLookup& env, Config& config) {
  bool configured = doc.contains("keys") || doc.contains("policies") || doc.contains("permissions");
  // No access settings at all: no access control, as before keys existed (README "Permissions").
  if (!configured) config.permissions.default_level = Level::kExecute;
  if (Status s = ParseKeys(doc, env, config.keys, config.rate_limits); !s.ok()) return s;
  if (Status s = ParsePolicies(doc, config.permissions); !s.ok()) return s;
  return ParsePermissions(doc, env, config);
}

}  // namespace mcpgw::proxy
