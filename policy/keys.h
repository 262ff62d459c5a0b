#pragma once

#include "policy/permissions.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::policy {

// One entry of the config's "keys": who holds the key whose SHA-256 is `hash` ("sha256:<hex>").
struct KeyEntry {
  std::string name;
  std::string hash;
  std::string team;
  std::string org;
};

// The principal holding `presented_key`, or nullopt when no entry matches (an empty key matches
// none). Every entry is compared, each in constant time, so the time taken says nothing about
// which entry or how much of a hash matched. The key itself is neither kept nor logged.
std::optional<Principal> Authenticate(const std::vector<KeyEntry>& keys,
                                      std::string_view presented_key);

// Who is calling with `presented_key` (nullopt: none presented): the anonymous principal (empty)
// when no key is presented or no keys are configured (then any key is ignored: README
// "Permissions"), else the key's holder (Authenticate). nullopt when a presented key matches no
// entry (an empty key matches none): that never falls back to anonymous.
std::optional<Principal> Identify(const std::vector<KeyEntry>& keys,
                                  std::optional<std::string_view> presented_key);

}  // namespace mcpgw::policy
