#include "proxy/access/report.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

using policy::Level;

Config SeedConfig() {
  Config config;
  config.servers.resize(2);
  config.servers[0].name = "database";
  config.servers[1].name = "filesystem";
  config.aliases["db"] = "database";
  config.keys = {{"seed", "sha256:a", "", ""}, {"locked", "sha256:b", "", ""}};
  config.permissions.default_level = Level::kDeny;
  config.permissions.policies["seed"] = {Level::kDeny,
                                         {{"filesystem", "read_file", Level::kExecute},
                                          {"database", "*", Level::kExecute},
                                          {"*", "delete_*", Level::kDeny},
                                          {"github", "*", Level::kRead}}};
  config.permissions.policies["locked"] = {Level::kDeny, {}};
  config.permissions.key_policies = {{"seed", "seed"}, {"locked", "locked"}};
  return config;
}

TEST_CASE("ExplainDecision resolves an alias and names the deciding rule") {
  std::string out = ExplainDecision(SeedConfig(), {"seed", "", ""}, "db", "delete_rows");
  CHECK(out.find("server: database\n") != std::string::npos);
  CHECK(out.find("decision: deny\n") != std::string::npos);
  CHECK(out.find("policy: seed\n") != std::string::npos);
  CHECK(out.find("rule: policies.seed.rules[2]") != std::string::npos);
  out = ExplainDecision(SeedConfig(), {"seed", "", ""}, "filesystem", "write_file");
  CHECK(out.find("rule: none (the default of policy \"seed\")") != std::string::npos);
}

TEST_CASE("AccessWarnings names rules that never apply and keys denied everything") {
  std::vector<std::string> warnings = AccessWarnings(SeedConfig());
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].starts_with("policies.seed.rules[3]: server \"github\""));
  CHECK(warnings[1] == "key \"locked\" is denied everything on every configured server");
}

TEST_CASE("AccessWarnings names a resource rule that is not in canonical form") {
  Config config = SeedConfig();
  config.permissions.policies["seed"].rules = {{"filesystem", "file:///pub/*", Level::kExecute},
                                               {"filesystem", "FILE:///pub/%70rivate/*", Level::kDeny},
                                               {"filesystem", "read_*", Level::kExecute}};
  std::vector<std::string> warnings = AccessWarnings(config);
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0] ==
        "policies.seed.rules[1]: tool \"FILE:///pub/%70rivate/*\" is a resource URI not in canonical "
        "form; resources are decided on \"file:///pub/private/*\"");
}

}  // namespace
}  // namespace mcpgw::proxy
