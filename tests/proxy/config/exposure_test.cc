#include "proxy/config/config.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace mcpgw::proxy {
namespace {

EnvLookup FakeEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    if (name == "TOOL") return "echo";
    return std::nullopt;
  };
}

// The config text of one stdio server "fs" with `fields` added to {"command": "x"}.
std::string FsWith(std::string_view fields) {
  return R"({"mcpServers": {"fs": {"command": "x", )" + std::string(fields) + "}}}";
}

Config Parse(std::string_view text) {
  protocol::Result<Config> config = ParseConfig(text, FakeEnv());
  INFO(config.status().message());
  REQUIRE(config.ok());
  return std::move(config).value();
}

std::string ErrorOf(std::string_view text) {
  protocol::Result<Config> config = ParseConfig(text, FakeEnv());
  REQUIRE_FALSE(config.ok());
  CHECK(config.status().code() == protocol::StatusCode::kInvalidArgument);
  return config.status().message();
}

TEST_CASE("ParseConfig reads a server's tool and prompt exposure") {
  Config config = Parse(FsWith(R"(
      "tools": {"allow": ["read_*", "${TOOL}"], "deny": ["read_media_*"],
                "rename": {"read_text_file": "read"},
                "description": {"read_text_file": "Reads a UTF-8 file."}},
      "prompts": {"deny": ["*"]})"));
  REQUIRE(config.exposure.count("fs") == 1);
  const Exposure& exposure = config.exposure.at("fs");
  REQUIRE(exposure.tools.allow.has_value());
  CHECK(*exposure.tools.allow == std::vector<std::string>{"read_*", "echo"});
  CHECK(exposure.tools.deny == std::vector<std::string>{"read_media_*"});
  CHECK(exposure.tools.rename == std::map<std::string, std::string>{{"read_text_file", "read"}});
  CHECK(exposure.tools.description.at("read_text_file") == "Reads a UTF-8 file.");
  CHECK_FALSE(exposure.prompts.allow.has_value());
  CHECK(exposure.prompts.deny == std::vector<std::string>{"*"});
}

TEST_CASE("ParseConfig leaves servers without overrides out of the exposure map") {
  Config config = Parse(R"({"mcpServers": {"a": {"command": "x"},
                                           "b": {"command": "x", "tools": {"deny": ["z"]}}}})");
  CHECK(config.exposure.count("a") == 0);
  CHECK(config.exposure.count("b") == 1);
}

TEST_CASE("ParseConfig reads a server's prefix flag, true unless given") {
  Config config = Parse(R"({"mcpServers": {"a": {"command": "x", "prefix": false},
                                           "b": {"command": "x", "prefix": true},
                                           "c": {"command": "x", "tools": {"deny": ["z"]}}}})");
  CHECK_FALSE(config.exposure.at("a").prefix);
  CHECK(config.exposure.at("b").prefix);
  CHECK(config.exposure.at("c").prefix);
  CHECK(Exposure{}.prefix);
}

TEST_CASE("ParseConfig keeps an empty allow list: nothing is exposed") {
  Config config = Parse(FsWith(R"("tools": {"allow": []})"));
  REQUIRE(config.exposure.at("fs").tools.allow.has_value());
  CHECK(config.exposure.at("fs").tools.allow->empty());
}

TEST_CASE("ParseConfig accepts two names swapped by rename") {
  Config config = Parse(FsWith(R"("tools": {"rename": {"a": "b", "b": "a"}})"));
  CHECK(config.exposure.at("fs").tools.rename.size() == 2);
}

TEST_CASE("ParseConfig names the field at fault in a server's exposure") {
  const std::map<std::string, std::string> cases = {
      {R"("tools": [])", "mcpServers.fs.tools: must be an object"},
      {R"("prompts": "all")", "mcpServers.fs.prompts: must be an object"},
      {R"("tools": {"hide": []})", "mcpServers.fs.tools.hide: unknown key"},
      {R"("tools": {"allow": "*"})", "mcpServers.fs.tools.allow: must be an array of strings"},
      {R"("tools": {"allow": ["a", 1]})", "mcpServers.fs.tools.allow[1]: must be a string"},
      {R"("tools": {"deny": [null]})", "mcpServers.fs.tools.deny[0]: must be a string"},
      {R"("prompts": {"deny": ["${NOPE}"]})", "mcpServers.fs.prompts.deny[0]: "},
      {R"("tools": {"rename": ["a"]})", "mcpServers.fs.tools.rename: must be an object of strings"},
      {R"("tools": {"rename": {"a": 1}})", "mcpServers.fs.tools.rename.a: must be a string"},
      {R"("tools": {"rename": {"a": ""}})",
       "mcpServers.fs.tools.rename.a: must be a non-empty name of A-Z a-z 0-9 _ -"},
      {R"("prompts": {"rename": {"a": "new name"}})",
       "mcpServers.fs.prompts.rename.a: must be a non-empty name of A-Z a-z 0-9 _ -"},
      {R"("tools": {"rename": {"a": "x", "b": "x"}})",
       "mcpServers.fs.tools.rename.b: \"x\" is already the new name of \"a\""},
      {R"("prefix": "no")", "mcpServers.fs.prefix: must be"},
      {R"("prefix": 0)", "mcpServers.fs.prefix: must be"},
      {R"("tools": {"description": {"a": false}})",
       "mcpServers.fs.tools.description.a: must be a string"},
  };
  for (const auto& [fields, expected] : cases) {
    INFO(fields);
    CHECK(ErrorOf(FsWith(fields)).starts_with(expected));
  }
}

}  // namespace
}  // namespace mcpgw::proxy
