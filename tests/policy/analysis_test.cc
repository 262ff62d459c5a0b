#include "policy/analysis.h"

#include <doctest/doctest.h>

namespace mcpgw::policy {
namespace {

// dev: execute on fs/read_file (rule 0), deny on delete_* everywhere (rule 1), read on github
// (rule 2), deny by default. locked: denies everything.
Permissions DevPermissions() {
  Permissions permissions;
  permissions.default_level = Level::kDeny;
  permissions.policies["dev"] = {Level::kDeny,
                                 {{"fs", "read_file", Level::kExecute},
                                  {"*", "delete_*", Level::kDeny},
                                  {"github", "*", Level::kRead}}};
  permissions.policies["locked"] = {Level::kDeny, {}};
  permissions.key_policies = {{"dev", "dev"}, {"locked", "locked"}};
  return permissions;
}

const std::vector<std::string> kServers = {"db", "fs"};

}  // namespace

TEST_CASE("Explain gives the decision and the rule that made it") {
  const Permissions permissions = DevPermissions();
  Explanation why = Explain(permissions, {"dev", "", ""}, "fs", "delete_all");
  CHECK(why.decision.level == Level::kDeny);
  CHECK(why.decision.policy == "dev");
  CHECK(why.decision.rule == 1);
  CHECK(why.rule == &permissions.policies.at("dev").rules[1]);
  why = Explain(permissions, {"dev", "", ""}, "fs", "write_file");
  CHECK(why.decision.policy == "dev");
  CHECK(why.rule == nullptr);  // the policy's default
  why = Explain(permissions, {}, "fs", "read_file");
  CHECK(why.decision.policy.empty());  // permissions.default
  CHECK(why.rule == nullptr);
}

TEST_CASE("RulesMatchingNoServer names the rules whose server glob no server matches") {
  const Permissions permissions = DevPermissions();
  std::vector<PlacedRule> never = RulesMatchingNoServer(permissions, kServers);
  REQUIRE(never.size() == 1);
  CHECK(never[0].policy == "dev");
  CHECK(never[0].index == 2);
  CHECK(never[0].rule->server == "github");
  CHECK(RulesMatchingNoServer(permissions, {"db", "fs", "github"}).empty());
  CHECK(RulesMatchingNoServer(permissions, {}).size() == 3);
}

TEST_CASE("KeysDeniedEverywhere names keys below read on every server for every tool") {
  Permissions permissions = DevPermissions();
  std::vector<KeyEntry> keys = {{"dev", "sha256:a", "", ""}, {"locked", "sha256:b", "", ""}};
  CHECK(KeysDeniedEverywhere(permissions, keys, kServers) ==
        std::vector<std::string_view>{"locked"});
  // dev reads only github, which is not configured; the probe for its rule "delete_*" is denied.
  permissions.policies["dev"].rules[0].server = "web";
  CHECK(KeysDeniedEverywhere(permissions, keys, kServers) ==
        std::vector<std::string_view>{"dev", "locked"});
  // A rule for a name only a probe reaches ("q?ery" -> "qxery") counts.
  permissions.policies["locked"].rules = {{"db", "q?ery", Level::kRead}};
  CHECK(KeysDeniedEverywhere(permissions, keys, kServers) == std::vector<std::string_view>{"dev"});
}

}  // namespace mcpgw::policy
