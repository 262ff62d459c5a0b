#include "policy/keys.h"

#include "policy/key_hash.h"

#include <openssl/crypto.h>

namespace mcpgw::policy {

std::optional<Principal> Authenticate(const std::vector<KeyEntry>& keys,
                                      std::string_view presented_key) {
  if (presented_key.empty()) return std::nullopt;
  const std::string presented_hash = HashKey(presented_key);
  const KeyEntry* match = nullptr;
  for (const KeyEntry& entry : keys) {
    bool same = entry.hash.size() == presented_hash.size() &&
                CRYPTO_memcmp(entry.hash.data(), presented_hash.data(), presented_hash.size()) == 0;
    if (same && match == nullptr) match = &entry;  // no early exit: every entry costs the same
  }
  if (match == nullptr) return std::nullopt;
  return Principal{match->name, match->team, match->org};
}

std::optional<Principal> Identify(const std::vector<KeyEntry>& keys,
                                  std::optional<std::string_view> presented_key) {
  if (!presented_key || keys.empty()) return Principal{};
  return Authenticate(keys, *presented_key);
}

}  // namespace mcpgw::policy
