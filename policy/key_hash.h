#pragma once

#include <string>
#include <string_view>

namespace mcpgw::policy {

// The form an API key takes in the config: "sha256:" and the lowercase hex SHA-256 of the key.
std::string HashKey(std::string_view key);

}  // namespace mcpgw::policy
