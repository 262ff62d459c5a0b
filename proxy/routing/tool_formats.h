#pragma once

#include <nlohmann/json.hpp>

namespace mcpgw::proxy {

// MCP tool objects as OpenAI function-calling tools:
// {"type":"function","function":{"name","description","parameters"}}.
nlohmann::json ToOpenAiFunctions(const nlohmann::json& tools);

}  // namespace mcpgw::proxy
