#include "proxy/tool_formats.h"

namespace mcpgw::proxy {

nlohmann::json ToOpenAiFunctions(const nlohmann::json& tools) {
  nlohmann::json functions = nlohmann::json::array();
  for (const auto& tool : tools) {
    nlohmann::json parameters = tool.value("inputSchema", nlohmann::json::object());
    functions.push_back({{"type", "function"},
                         {"function",
                          {{"name", tool.value("name", "")},
                           {"description", tool.value("description", "")},
                           {"parameters", std::move(parameters)}}}});
  }
  return functions;
}

}  // namespace mcpgw::proxy
