#include "proxy/access/schema_cycles.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

std::optional<std::string> Loop(const char* schema) { return FindSameValueLoop(Json::parse(schema)); }

TEST_CASE("FindSameValueLoop finds $ref chains and applicators that come back to themselves") {
  CHECK(Loop(R"({"$ref":"#"})") == "#");
  CHECK(Loop(R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}})"));
  CHECK(Loop(R"({"allOf":[{"$ref":"#"}]})"));
  CHECK(Loop(R"({"if":{"$ref":"#"}})"));
  CHECK(Loop(R"({"dependencies":{"a":{"$ref":"#"}}})"));
  CHECK(Loop(R"({"definitions":{"a b":{"$ref":"#/definitions/a%20b"}}})") == "#/definitions/a%20b");
  CHECK(Loop(R"({"definitions":{"a/b":{"$ref":"#/definitions/a~1b"}}})"));
}

TEST_CASE("FindSameValueLoop accepts recursion that descends into the value") {
  CHECK_FALSE(Loop(R"({"properties":{"child":{"$ref":"#"}}})"));
  CHECK_FALSE(Loop(R"({"items":{"$ref":"#"}})"));
  CHECK_FALSE(Loop(R"({"definitions":{"node":{"type":"object","properties":{
                        "next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"})"));
  CHECK_FALSE(Loop(R"({"allOf":[{"$ref":"#/definitions/a"},{"$ref":"#/definitions/a"}],
                       "definitions":{"a":{"type":"string"}}})"));  // shared, not a loop
  CHECK_FALSE(Loop(R"({"$ref":"#/nowhere"})"));   // a dangling ref is the library's to report
  CHECK_FALSE(Loop(R"({"$ref":"#/bad%zz"})"));
  CHECK_FALSE(Loop(R"({"dependencies":{"a":["b"]}})"));
}

}  // namespace
}  // namespace mcpgw::proxy
