#include "proxy/config/overlay.h"

#include "proxy/config/config.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

const Json kConfig = Json::parse(R"({
  "mcpServers": {
    "fs": {"command": "fs-server", "env": {"TOKEN": "${SECRET}"}},
    "db": {"command": "db-server"}
  },
  "aliases": {"files": "fs"}
})");

EnvLookup NoVariables() {
  return [](std::string_view) { return std::optional<std::string>("value"); };
}

TEST_CASE("An empty overlay leaves the config as written") {
  CHECK(ApplyOverlay(kConfig, ConfigOverlay{}) == kConfig);
}

TEST_CASE("ApplyOverlay adds, replaces, removes, disables servers and edits aliases") {
  ConfigOverlay overlay;
  overlay.PutServer("memory", {{"command", "mcp-server-memory"}});
  overlay.PutServer("db", {{"command", "db-server-2"}});
  overlay.SetEnabled("db", false);
  overlay.RemoveAlias("files");
  overlay.PutAlias("mem", "memory");
  Json merged = ApplyOverlay(kConfig, overlay);
  CHECK(merged["mcpServers"]["memory"]["command"] == "mcp-server-memory");
  CHECK(merged["mcpServers"]["db"] == Json{{"command", "db-server-2"}, {"enabled", false}});
  CHECK(merged["mcpServers"]["fs"] == kConfig["mcpServers"]["fs"]);  // ${SECRET} unexpanded
  CHECK(merged["aliases"] == Json{{"mem", "memory"}});
  overlay.RemoveServer("memory");
  overlay.RemoveAlias("mem");
  merged = ApplyOverlay(kConfig, overlay);
  CHECK_FALSE(merged["mcpServers"].contains("memory"));
  CHECK(merged["aliases"] == Json::object());
}

TEST_CASE("Putting a server again undoes its removal and its enabled flag") {
  ConfigOverlay overlay;
  overlay.RemoveServer("fs");
  overlay.SetEnabled("fs", false);
  overlay.PutServer("fs", {{"command", "new-fs"}});
  CHECK(overlay.removed_servers.empty());
  CHECK(overlay.enabled.empty());
  CHECK(ApplyOverlay(kConfig, overlay)["mcpServers"]["fs"] == Json{{"command", "new-fs"}});
}

TEST_CASE("Config plus overlay validates as a whole with the JSON path of the field at fault") {
  ConfigOverlay overlay;
  overlay.PutServer("bad", {{"command", 5}});
  auto parsed = ParseConfig(ApplyOverlay(kConfig, overlay).dump(), NoVariables());
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message().starts_with("mcpServers.bad.command: "));
  ConfigOverlay removes_aliased;
  removes_aliased.RemoveServer("fs");
  parsed = ParseConfig(ApplyOverlay(kConfig, removes_aliased).dump(), NoVariables());
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message().starts_with("aliases.files: "));
}

TEST_CASE("An overlay survives its JSON form unchanged") {
  ConfigOverlay overlay;
  overlay.PutServer("memory", {{"command", "m"}, {"env", {{"K", "${KEY}"}}}});
  overlay.RemoveServer("db");
  overlay.SetEnabled("fs", false);
  overlay.PutAlias("m", "memory");
  overlay.RemoveAlias("files");
  auto back = ParseOverlay(OverlayToJson(overlay));
  REQUIRE(back.ok());
  CHECK(*back == overlay);
}

TEST_CASE("ParseOverlay names the field of the wrong shape") {
  auto parsed = ParseOverlay(Json{{"enabled", {{"fs", "yes"}}}});
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message() == "enabled.fs: must be true or false");
  parsed = ParseOverlay(Json{{"removed_aliases", {"a", 1}}});
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message() == "removed_aliases[1]: must be a string");
  CHECK_FALSE(ParseOverlay(Json{{"surprise", 1}}).ok());
}

}  // namespace
}  // namespace mcpgw::proxy
