#include "proxy/access/argument_validator.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace mcpgw::proxy {
namespace {

using protocol::Json;
using upstream::Offer;

Offer ToolOffer(const std::string& name, Json schema) {
  Offer offer;
  offer.tools.push_back({{"name", name}, {"inputSchema", std::move(schema)}});
  return offer;
}

const Json kEchoSchema = {
    {"type", "object"},
    {"properties",
     {{"text", {{"type", "string"}}}, {"count", {{"type", "integer"}, {"minimum", 1}}}}},
    {"required", {"text"}}};

bool HasPath(const std::vector<SchemaViolation>& violations, const std::string& path) {
  for (const SchemaViolation& violation : violations) {
    if (violation.path == path) return true;
  }
  return false;
}

TEST_CASE("ArgumentValidator lets conforming arguments through") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("echo", kEchoSchema);
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "echo", {{"text", "hi"}, {"count", 2}}).empty());
}

TEST_CASE("ArgumentValidator lists each failing argument by JSON path") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("echo", kEchoSchema);
  validator.Update("s", &offer);
  auto violations = validator.Check("s", "echo", {{"text", 5}, {"count", 0}});
  CHECK(HasPath(violations, "/arguments/text"));
  CHECK(HasPath(violations, "/arguments/count"));
  auto missing = validator.Check("s", "echo", Json::object());
  REQUIRE_FALSE(missing.empty());
  CHECK(missing[0].path == "/arguments");
  CHECK(missing[0].message.find("text") != std::string::npos);
}

TEST_CASE("ArgumentValidator rejects a call with an isError result naming each path and why") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("echo", kEchoSchema);
  validator.Update("s", &offer);
  Route route{"s", "echo"};
  auto rejected = validator.Reject(route, {{"name", "s__echo"}, {"arguments", {{"text", 1}}}});
  REQUIRE(rejected.has_value());
  CHECK((*rejected)["isError"] == true);
  CHECK((*rejected)["content"][0]["text"] ==
        "Invalid arguments for tool s__echo:\n- /arguments/text: Value type not permitted by "
        "'type' constraint.");
  CHECK(validator.Reject(route, {{"name", "s__echo"}, {"arguments", {{"text", "x"}}}}) ==
        std::nullopt);
  CHECK(validator.Reject(route, {{"name", "s__echo"}}).has_value());  // absent arguments: {}
}

TEST_CASE("ArgumentValidator checks nothing for an unknown server, tool or missing schema") {
  ArgumentValidator validator;
  Offer offer;
  offer.tools.push_back({{"name", "bare"}});
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "bare", 42).empty());
  CHECK(validator.Check("s", "other", 42).empty());
  CHECK(validator.Check("t", "bare", 42).empty());
}

TEST_CASE("ArgumentValidator skips keywords it cannot check and still checks the rest") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("t", {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                                {"type", "object"},
                                {"properties", {{"n", {{"type", "number"}}}}},
                                {"unevaluatedProperties", false},
                                {"x-vendor-keyword", {{"anything", true}}}});
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "t", {{"n", 1}, {"extra", true}}).empty());
  CHECK(HasPath(validator.Check("s", "t", {{"n", "one"}}), "/arguments/n"));
}

TEST_CASE("ArgumentValidator reads 2020-12 prefixItems as draft-07 items") {
  ArgumentValidator validator;
  Offer offer = ToolOffer(
      "t",
      {{"type", "object"},
       {"properties",
        {{"pair",
          {{"prefixItems", {{{"type", "string"}}, {{"type", "number"}}}}, {"items", false}}}}}});
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "t", {{"pair", {"a", 1}}}).empty());
  CHECK(HasPath(validator.Check("s", "t", {{"pair", {1, 1}}}), "/arguments/pair/0"));
  CHECK_FALSE(validator.Check("s", "t", {{"pair", {"a", 1, 2}}}).empty());
}

TEST_CASE("ArgumentValidator never fetches a remote $ref and checks the rest of the schema") {
  ArgumentValidator validator;
  Offer offer = ToolOffer(
      "t",
      {{"type", "object"},
       {"properties",
        {{"remote", {{"$ref", "http://127.0.0.1:9/never.json"}}}, {"n", {{"type", "number"}}}}}});
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "t", {{"remote", "anything"}, {"n", 1}}).empty());
  CHECK(HasPath(validator.Check("s", "t", {{"n", "x"}}), "/arguments/n"));
}

TEST_CASE("ArgumentValidator follows a local $ref into $defs") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("t", {{"type", "object"},
                                {"$defs", {{"count", {{"type", "integer"}}}}},
                                {"properties", {{"n", {{"$ref", "#/$defs/count"}}}}}});
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "t", {{"n", 1}}).empty());
  CHECK(HasPath(validator.Check("s", "t", {{"n", 1.5}}), "/arguments/n"));
}

TEST_CASE("ArgumentValidator leaves a tool callable when its schema cannot be parsed") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("t", {{"type", "object"}, {"properties", {{"n", 5}}}});
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "t", {{"n", "whatever"}}).empty());
}

TEST_CASE("ArgumentValidator keeps checking when a pattern is not a valid regex") {
  ArgumentValidator validator;
  Offer offer = ToolOffer(
      "t", {{"type", "object"}, {"properties", {{"p", {{"type", "string"}, {"pattern", "(["}}}}}});
  validator.Update("s", &offer);
  CHECK(validator.Check("s", "t", {{"p", "abc"}}).empty());
  CHECK(HasPath(validator.Check("s", "t", {{"p", 3}}), "/arguments/p"));
}

TEST_CASE("ArgumentValidator checks regex keywords on a string of any length") {
  ArgumentValidator validator;
  Offer offer =
      ToolOffer("t", {{"type", "object"},
                      {"properties",
                       {{"p", {{"type", "string"}, {"pattern", "^[a-z]+$"}, {"maxLength", 8}}},
                        {"d", {{"type", "string"}, {"format", "date"}}}}}});
  validator.Update("s", &offer);
  const std::string huge(1'000'000, 'a');  // std::regex would have overflowed the stack on it
  CHECK(HasPath(validator.Check("s", "t", {{"p", huge}}), "/arguments/p"));  // maxLength
  CHECK(HasPath(validator.Check("s", "t", {{"d", std::string(1'000'000, '1')}}), "/arguments/d"));
  CHECK(HasPath(validator.Check("s", "t", {{"p", "ABC"}}), "/arguments/p"));  // pattern
  CHECK(validator.Check("s", "t", {{"p", "abc"}, {"d", "2024-01-31"}}).empty());
}

TEST_CASE("ArgumentValidator compiles a schema on its tool's first call, once per distinct schema") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("echo", kEchoSchema);
  validator.Update("s", &offer);
  CHECK(validator.compilations() == 0);  // listing compiles nothing
  for (int i = 0; i < 5; ++i) CHECK_FALSE(validator.Check("s", "echo", Json::object()).empty());
  CHECK(validator.compilations() == 1);
  validator.Update("s", &offer);  // the same list again: the compiled schema is kept
  CHECK_FALSE(validator.Check("s", "echo", Json::object()).empty());
  CHECK(validator.compilations() == 1);
  Offer changed = ToolOffer("echo", {{"type", "object"}});
  validator.Update("s", &changed);
  CHECK(validator.Check("s", "echo", Json::object()).empty());
  CHECK(validator.compilations() == 2);
  CHECK(validator.Check("s", "echo", Json::object()).empty());
}

TEST_CASE("ArgumentValidator forgets a server's tools when its offer goes away") {
  ArgumentValidator validator;
  Offer offer = ToolOffer("echo", kEchoSchema);
  validator.Update("s", &offer);
  validator.Update("s", nullptr);
  CHECK(validator.Check("s", "echo", Json::object()).empty());
}

}  // namespace
TEST_CASE("ArgumentValidator leaves a schema that loops on one value unchecked instead of recursing") {
  // Each of these makes the schema library recurse without end, compiling or validating.
  const char* loops[] = {
      R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},
          "properties":{"x":{"$ref":"#/definitions/a"}}})",
      R"({"properties":{"x":{"$ref":"#/properties/x"}}})",
      R"({"$ref":"#"})",
      R"({"allOf":[{"$ref":"#"}]})",
      R"({"definitions":{"d":{"anyOf":[{"not":{"$ref":"#/definitions/d"}}]}},"$ref":"#/definitions/d"})",
  };
  ArgumentValidator validator;
  for (const char* loop : loops) {
    CAPTURE(loop);
    Offer offer = ToolOffer("t", Json::parse(loop));
    validator.Update("s", &offer);
    CHECK(validator.Check("s", "t", {{"x", {{"y", 1}}}}).empty());
  }
}


}  // namespace mcpgw::proxy
