#include "policy/decide.h"

#include <doctest/doctest.h>

namespace mcpgw::policy {
namespace {

Policy SeedPolicy() {
  return {Level::kDeny,
          {{"filesystem", "read_file", Level::kExecute},
           {"database", "*", Level::kExecute},
           {"*", "delete_*", Level::kDeny}}};
}

Permissions SeedPermissions() {
  Permissions permissions;
  permissions.default_level = Level::kRead;
  permissions.policies["production"] = SeedPolicy();
  permissions.key_policies["ci-bot"] = "production";
  return permissions;
}

}  // namespace

TEST_CASE("Decide: the seed case of the issue") {
  Permissions permissions = SeedPermissions();
  Principal bot{"ci-bot", "", ""};
  struct Case {
    const char* server;
    const char* tool;
    Level level;
  };
  const Case cases[] = {
      {"filesystem", "read_file", Level::kExecute},
      {"database", "query", Level::kExecute},
      {"database", "delete_rows", Level::kDeny},
      {"filesystem", "write_file", Level::kDeny},
  };
  for (const Case& c : cases) {
    CAPTURE(c.server);
    CAPTURE(c.tool);
    CHECK(Decide(permissions, bot, c.server, c.tool).level == c.level);
  }
  Decision deleted = Decide(permissions, bot, "database", "delete_rows");
  CHECK(deleted.policy == "production");
  CHECK(deleted.rule == 2u);
  CHECK(deleted.reason.find("*/delete_* -> deny") != std::string::npos);
  Decision unmatched = Decide(permissions, bot, "filesystem", "write_file");
  CHECK_FALSE(unmatched.rule.has_value());
}

TEST_CASE("Decide: key over team over org, then permissions.default") {
  Permissions permissions;
  permissions.default_level = Level::kRead;
  permissions.policies["key"] = {Level::kExecute, {}};
  permissions.policies["team"] = {Level::kAdmin, {}};
  permissions.policies["org"] = {Level::kDeny, {}};
  permissions.key_policies["k"] = "key";
  permissions.team_policies["t"] = "team";
  permissions.org_policies["o"] = "org";

  CHECK(Decide(permissions, {"k", "t", "o"}, "s", "x").level == Level::kExecute);
  CHECK(Decide(permissions, {"other", "t", "o"}, "s", "x").level == Level::kAdmin);
  CHECK(Decide(permissions, {"other", "other", "o"}, "s", "x").level == Level::kDeny);
  Decision fallback = Decide(permissions, {"other", "other", "other"}, "s", "x");
  CHECK(fallback.level == Level::kRead);
  CHECK(fallback.policy.empty());
  CHECK(Decide(permissions, {}, "s", "x").level == Level::kRead);  // anonymous
}

TEST_CASE("Decide: a deny rule from any level wins over a closer policy's allow") {
  Permissions permissions;
  permissions.policies["key"] = {Level::kAdmin, {{"*", "*", Level::kAdmin}}};
  permissions.policies["org"] = {Level::kRead, {{"billing", "refund", Level::kDeny}}};
  permissions.key_policies["k"] = "key";
  permissions.org_policies["o"] = "org";
  Principal who{"k", "", "o"};
  Decision refund = Decide(permissions, who, "billing", "refund");
  CHECK(refund.level == Level::kDeny);
  CHECK(refund.policy == "org");
  CHECK(Decide(permissions, who, "billing", "invoice").level == Level::kAdmin);
  // A policy's default deny is no deny rule: it does not reach past the closest policy.
  permissions.policies["org"] = {Level::kDeny, {}};
  CHECK(Decide(permissions, who, "billing", "refund").level == Level::kAdmin);
}

TEST_CASE("Decide: inside a policy the most specific matching rule decides") {
  Permissions permissions;
  permissions.policies["p"] = {Level::kDeny,
                               {{"*", "*", Level::kRead},
                                {"fs", "*", Level::kExecute},
                                {"fs", "read_*", Level::kRead},
                                {"fs", "read_file", Level::kAdmin},
                                {"f?", "read_file", Level::kExecute}}};
  permissions.key_policies["k"] = "p";
  Principal who{"k", "", ""};
  CHECK(Decide(permissions, who, "other", "x").level == Level::kRead);
  CHECK(Decide(permissions, who, "fs", "write").level == Level::kExecute);
  CHECK(Decide(permissions, who, "fs", "read_dir").level == Level::kRead);   // longer literal
  CHECK(Decide(permissions, who, "fs", "read_file").level == Level::kAdmin);  // literal beats glob
}

TEST_CASE("Decide: equally specific rules are settled by their order") {
  Permissions permissions;
  permissions.policies["p"] = {Level::kDeny,
                               {{"a*", "x", Level::kExecute}, {"*a", "x", Level::kRead}}};
  permissions.key_policies["k"] = "p";
  CHECK(Decide(permissions, {"k", "", ""}, "a", "x").level == Level::kExecute);
}

TEST_CASE("Decide: names are case-sensitive") {
  Permissions permissions = SeedPermissions();
  Principal bot{"ci-bot", "", ""};
  CHECK(Decide(permissions, bot, "Filesystem", "read_file").level == Level::kDeny);
  CHECK(Decide(permissions, bot, "filesystem", "Read_File").level == Level::kDeny);
  CHECK(Decide(permissions, {"CI-BOT", "", ""}, "filesystem", "read_file").level == Level::kRead);
}

TEST_CASE("Decide: a policy name that names no policy denies everything") {
  Permissions permissions;
  permissions.default_level = Level::kAdmin;
  permissions.key_policies["k"] = "typo";
  Decision decision = Decide(permissions, {"k", "", ""}, "s", "x");
  CHECK(decision.level == Level::kDeny);
  CHECK(decision.reason.find("does not exist") != std::string::npos);
}

TEST_CASE("ParseLevel reads the four levels and nothing else") {
  CHECK(ParseLevel("admin") == Level::kAdmin);
  CHECK(ParseLevel("execute") == Level::kExecute);
  CHECK(ParseLevel("read") == Level::kRead);
  CHECK(ParseLevel("deny") == Level::kDeny);
  CHECK_FALSE(ParseLevel("Admin").has_value());
  CHECK_FALSE(ParseLevel("").has_value());
  CHECK(Level::kAdmin > Level::kExecute);
  CHECK(Level::kExecute > Level::kRead);
  CHECK(Level::kRead > Level::kDeny);
}

}  // namespace mcpgw::policy
