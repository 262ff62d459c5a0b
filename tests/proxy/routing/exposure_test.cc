#include "proxy/routing/exposure.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace mcpgw::proxy {
namespace {

using protocol::Json;

Json Item(const std::string& name) {
  return {{"name", name}, {"description", "does " + name}, {"inputSchema", {{"type", "object"}}}};
}

TEST_CASE("Exposure shows every item as offered by default") {
  ItemExposure exposure;
  CHECK(IsExposed(exposure, "anything"));
  CHECK(Expose(exposure, Item("echo")) == Item("echo"));
}

TEST_CASE("Exposure with an allow list shows only the items a glob of it matches") {
  ItemExposure exposure;
  exposure.allow = {"read_*", "list_director?"};
  CHECK(IsExposed(exposure, "read_text_file"));
  CHECK(IsExposed(exposure, "list_directory"));
  CHECK_FALSE(IsExposed(exposure, "write_file"));
  CHECK_FALSE(IsExposed(exposure, "list_directories"));
}

TEST_CASE("Exposure with an empty allow list hides everything") {
  ItemExposure exposure;
  exposure.allow.emplace();
  CHECK_FALSE(IsExposed(exposure, "echo"));
}

TEST_CASE("Exposure hides an item a deny glob matches") {
  ItemExposure exposure;
  exposure.deny = {"delete_*"};
  CHECK(IsExposed(exposure, "read_file"));
  CHECK_FALSE(IsExposed(exposure, "delete_file"));
  CHECK_FALSE(Expose(exposure, Item("delete_file")).has_value());
}

TEST_CASE("Exposure lets deny win over allow") {
  ItemExposure exposure;
  exposure.allow = {"*_file"};
  exposure.deny = {"write_*"};
  CHECK(IsExposed(exposure, "read_file"));
  CHECK_FALSE(IsExposed(exposure, "write_file"));
  CHECK_FALSE(IsExposed(exposure, "list_directory"));
}

TEST_CASE("Exposure matches globs against the real name, not the rename") {
  ItemExposure exposure;
  exposure.allow = {"echo"};
  exposure.rename = {{"echo", "say"}, {"add", "echo_sum"}};
  CHECK(Expose(exposure, Item("echo")).has_value());
  CHECK_FALSE(Expose(exposure, Item("add")).has_value());
}

TEST_CASE("Exposure renames an item and keeps its other fields") {
  ItemExposure exposure;
  exposure.rename = {{"echo", "say"}};
  std::optional<Json> shown = Expose(exposure, Item("echo"));
  REQUIRE(shown.has_value());
  CHECK((*shown)["name"] == "say");
  CHECK((*shown)["description"] == "does echo");
  CHECK((*shown)["inputSchema"] == Json{{"type", "object"}});
  CHECK(Expose(exposure, Item("add")) == Item("add"));
}

TEST_CASE("Exposure replaces the description, adding one where the item had none") {
  ItemExposure exposure;
  exposure.description = {{"echo", "Repeats the message."}, {"bare", "Now described."}};
  CHECK((*Expose(exposure, Item("echo")))["description"] == "Repeats the message.");
  CHECK((*Expose(exposure, Json{{"name", "bare"}}))["description"] == "Now described.");
  CHECK((*Expose(exposure, Item("echo")))["name"] == "echo");
}

TEST_CASE("Exposure works on prompts alike") {
  Exposure exposure;
  exposure.prompts.rename = {{"code.review", "review"}};
  exposure.prompts.deny = {"draft"};
  Json prompt = {{"name", "code.review"}, {"arguments", Json::array()}};
  CHECK(*Expose(exposure.prompts, prompt) ==
        Json{{"name", "review"}, {"arguments", Json::array()}});
  CHECK_FALSE(Expose(exposure.prompts, Json{{"name", "draft"}}).has_value());
  CHECK(Expose(exposure.tools, prompt) == prompt);
}

TEST_CASE("Exposure shows nothing for an item without a string name") {
  ItemExposure exposure;
  CHECK_FALSE(Expose(exposure, Json{{"description", "x"}}).has_value());
  CHECK_FALSE(Expose(exposure, Json{{"name", 3}}).has_value());
  CHECK_FALSE(Expose(exposure, Json("echo")).has_value());
}

}  // namespace
}  // namespace mcpgw::proxy
