#pragma once

#include "policy/level.h"

#include <map>
#include <string>
#include <vector>

namespace mcpgw::policy {

// One rule: callers it applies to get `level` on tools matching `tool` of servers matching
// `server` (globs with * and ?).
struct Rule {
  std::string server;
  std::string tool;
  Level level = Level::kDeny;
};

// A named set of rules with the level they give when none matches.
struct Policy {
  Level default_level = Level::kDeny;
  std::vector<Rule> rules;
};

// Who is calling. The anonymous principal has an empty name, team and org.
struct Principal {
  std::string name;
  std::string team;
  std::string org;
};

// The config's "policies" and "permissions" objects: which policy applies to which key, team
// and organization, and the level for a caller no policy covers.
struct Permissions {
  Level default_level = Level::kRead;
  std::map<std::string, Policy, std::less<>> policies;
  std::map<std::string, std::string, std::less<>> key_policies;   // key name -> policy name
  std::map<std::string, std::string, std::less<>> team_policies;  // team -> policy name
  std::map<std::string, std::string, std::less<>> org_policies;   // org -> policy name
};

}  // namespace mcpgw::policy
