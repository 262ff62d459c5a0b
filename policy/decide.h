#pragma once

#include "policy/permissions.h"

#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::policy {

// Where a decision came from, for `mcpgw explain` and the audit log.
struct Decision {
  Level level = Level::kDeny;
  std::string policy;             // the deciding policy's name; empty for permissions.default
  std::optional<std::size_t> rule;  // index into that policy's rules; nullopt for a default
  std::string reason;             // one human sentence
};

// The level `who` has on `tool` of `server` (the real server name: aliases resolved first).
// README "Permissions": a deny rule matching in the key's, team's or org's policy wins;
// otherwise the closest policy that exists (key, then team, then org) decides with its most
// specific matching rule (literal beats glob, a longer literal part beats a shorter one, the
// earlier rule breaks a tie) or its default; with no policy, permissions.default. A policy name
// that names no policy counts as a policy that denies everything (the safer reading of a typo).
// Pure and thread-safe.
Decision Decide(const Permissions& permissions, const Principal& who, std::string_view server,
                std::string_view tool);

// The level `who` has on every item alike when no policy applies to them (permissions.default),
// so that a caller can skip deciding item by item; nullopt when some policy applies. Pure and
// thread-safe.
std::optional<Level> UniformLevel(const Permissions& permissions, const Principal& who);

}  // namespace mcpgw::policy
