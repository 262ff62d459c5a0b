#include "proxy/routing/tool_formats.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {

TEST_CASE("ToOpenAiFunctions wraps each MCP tool as a function with its schema as parameters") {
  nlohmann::json tools = nlohmann::json::parse(R"([
    {"name": "everything__echo", "description": "Echoes", "inputSchema":
      {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]}},
    {"name": "memory__read_graph", "inputSchema": {"type": "object"}}
  ])");
  nlohmann::json functions = ToOpenAiFunctions(tools);
  REQUIRE(functions.size() == 2);
  CHECK(functions[0]["type"] == "function");
  CHECK(functions[0]["function"]["name"] == "everything__echo");
  CHECK(functions[0]["function"]["description"] == "Echoes");
  CHECK(functions[0]["function"]["parameters"]["required"][0] == "message");
  CHECK(functions[1]["function"]["description"] == "");
  CHECK(functions[1]["function"]["parameters"]["type"] == "object");
}

TEST_CASE("ToOpenAiFunctions reads upstream fields of the wrong type as absent, never throwing") {
  nlohmann::json tools = nlohmann::json::parse(R"([
    {"name": "a", "description": 42, "inputSchema": "not a schema"},
    {"name": 7, "description": ["x"]},
    "not a tool"
  ])");
  nlohmann::json functions = ToOpenAiFunctions(tools);
  REQUIRE(functions.size() == 3);
  CHECK(functions[0]["function"]["name"] == "a");
  CHECK(functions[0]["function"]["description"] == "");
  CHECK(functions[0]["function"]["parameters"] == nlohmann::json::object());
  CHECK(functions[1]["function"]["name"] == "");
  CHECK(functions[2]["function"]["description"] == "");
}

}  // namespace mcpgw::proxy
