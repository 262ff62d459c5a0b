#include "proxy/routing/tool_formats.h"

#include "protocol/json_field.h"

namespace mcpgw::proxy {

nlohmann::json ToOpenAiFunctions(const nlohmann::json& tools) {
  nlohmann::json functions = nlohmann::json::array();
  for (const auto& tool : tools) {
    // The tool list comes from upstreams: a field of an unexpected type is read as absent.
    const nlohmann::json* schema = protocol::FindMember(tool, "inputSchema");
    functions.push_back(
        {{"type", "function"},
         {"function",
          {{"name", protocol::StringOr(tool, "name")},
           {"description", protocol::StringOr(tool, "description")},
           {"parameters", schema && schema->is_object() ? *schema : nlohmann::json::object()}}}});
  }
  return functions;
}

}  // namespace mcpgw::proxy
