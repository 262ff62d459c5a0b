#include "proxy/config/access.h"

#include "policy/keys.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

namespace mcpgw::proxy {
namespace {

using policy::Level;

constexpr std::string_view kAliceHash =
    "sha256:72ee9d4355ccb9d3a4c9dbf37382e38e75c1b1a225b5bd1f729ee91bbda30c20";
constexpr std::string_view kBobHash =
    "sha256:9b94dc1a51a38769f135edf04033ad7f2f487b6c25929be7a861cfc1ab10cf98";

EnvLookup NoEnv() {
  return [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
}

// A config with no servers and the given top-level members (JSON text without braces).
std::string WithAccess(std::string_view members) {
  return std::string(R"({"mcpServers": {}, )") + std::string(members) + "}";
}

std::string KeysOf(std::string_view entries) {
  return std::string(R"("keys": [)") + std::string(entries) + "]";
}

std::string Key(std::string_view name, std::string_view hash, std::string_view extra = "") {
  return fmt::format(R"({{"name": "{}", "hash": "{}"{}}})", name, hash, extra);
}

Config Parse(const std::string& text) {
  protocol::Result<Config> config = ParseConfig(text, NoEnv());
  INFO(config.status().message());
  REQUIRE(config.ok());
  return std::move(config).value();
}

std::string ErrorOf(const std::string& text) {
  protocol::Result<Config> config = ParseConfig(text, NoEnv());
  REQUIRE_FALSE(config.ok());
  return config.status().message();
}

std::string PathOfError(const std::string& text) {
  std::string message = ErrorOf(text);
  return message.substr(0, message.find(": "));
}

TEST_CASE("A config without access settings has no keys and lets everyone execute") {
  Config config = Parse(R"({"mcpServers": {}})");
  CHECK(config.keys.empty());
  CHECK(config.permissions.default_level == Level::kExecute);
  CHECK(config.permissions.policies.empty());
}

TEST_CASE("Once access is configured, permissions.default is read unless given") {
  CHECK(Parse(WithAccess(R"("policies": {})")).permissions.default_level == Level::kRead);
  CHECK(Parse(WithAccess(R"("permissions": {"default": "deny"})")).permissions.default_level ==
        Level::kDeny);
}

TEST_CASE("Keys, policies and permissions are read into the config") {
  Config config =
      Parse(WithAccess(KeysOf(Key("alice", kAliceHash, R"(, "team": "eng", "org": "acme")") + ", " +
                              Key("bob", kBobHash)) +
                       R"(, "policies": {"dev": {"default": "read", "rules": [
           {"server": "fs", "tool": "read_*", "level": "execute"}]}, "none": {}},
         "permissions": {"default": "deny", "keys": {"alice": "dev"}, "teams": {"eng": "none"},
                         "orgs": {"acme": "dev"}})"));
  REQUIRE(config.keys.size() == 2);
  CHECK(config.keys[0].name == "alice");
  CHECK(config.keys[0].hash == kAliceHash);
  CHECK(config.keys[0].team == "eng");
  CHECK(config.keys[0].org == "acme");
  CHECK(config.keys[1].team.empty());
  CHECK(config.permissions.default_level == Level::kDeny);
  const policy::Policy& dev = config.permissions.policies.at("dev");
  CHECK(dev.default_level == Level::kRead);
  REQUIRE(dev.rules.size() == 1);
  CHECK(dev.rules[0].server == "fs");
  CHECK(dev.rules[0].tool == "read_*");
  CHECK(dev.rules[0].level == Level::kExecute);
  CHECK(config.permissions.policies.at("none").default_level == Level::kDeny);
  CHECK(config.permissions.key_policies.at("alice") == "dev");
  CHECK(config.permissions.team_policies.at("eng") == "none");
  CHECK(config.permissions.org_policies.at("acme") == "dev");
}

TEST_CASE("A configured key authenticates its holder and nothing else") {
  Config config = Parse(WithAccess(KeysOf(Key("alice", kAliceHash, R"(, "team": "eng")"))));
  auto alice = policy::Authenticate(config.keys, "alice-key");
  REQUIRE(alice.has_value());
  CHECK(alice->name == "alice");
  CHECK(alice->team == "eng");
  CHECK_FALSE(policy::Authenticate(config.keys, "bob-key").has_value());
}

TEST_CASE("Key entries are checked with their path") {
  CHECK(PathOfError(WithAccess(R"("keys": {})")) == "keys");
  CHECK(PathOfError(WithAccess(KeysOf("1"))) == "keys[0]");
  CHECK(PathOfError(WithAccess(KeysOf(R"({"hash": "x"})"))) == "keys[0].name");
  CHECK(PathOfError(WithAccess(KeysOf(R"({"name": "a"})"))) == "keys[0].hash");
  CHECK(PathOfError(WithAccess(KeysOf(Key("a b", kAliceHash)))) == "keys[0].name");
  CHECK(PathOfError(WithAccess(KeysOf(Key("anonymous", kAliceHash)))) == "keys[0].name");
  CHECK(PathOfError(WithAccess(KeysOf(Key("a", kAliceHash, R"(, "role": "x")")))) ==
        "keys[0].role");
}

TEST_CASE("A key hash must be sha256: and 64 lowercase hex digits") {
  std::string upper(kAliceHash);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  upper.replace(0, 7, "sha256:");
  for (std::string bad : {std::string("alice-key"), std::string(kAliceHash.substr(7)),
                          std::string(kAliceHash) + "0", upper}) {
    CAPTURE(bad);
    CHECK(ErrorOf(WithAccess(KeysOf(Key("a", bad)))) ==
          "keys[0].hash: must be \"sha256:\" and 64 lowercase hex digits");
  }
}

TEST_CASE("Key names and key hashes are unique") {
  CHECK(ErrorOf(WithAccess(KeysOf(Key("a", kAliceHash) + "," + Key("a", kBobHash)))) ==
        "keys[1].name: \"a\" is used twice");
  CHECK(ErrorOf(WithAccess(KeysOf(Key("a", kAliceHash) + "," + Key("b", kAliceHash)))) ==
        "keys[1].hash: is the hash of another key too");
}

TEST_CASE("Policies and rules are checked with their path") {
  CHECK(PathOfError(WithAccess(R"("policies": [])")) == "policies");
  CHECK(PathOfError(WithAccess(R"("policies": {"p": {"default": "write"}})")) ==
        "policies.p.default");
  CHECK(PathOfError(WithAccess(R"("policies": {"p": {"rules": {}}})")) == "policies.p.rules");
  CHECK(PathOfError(WithAccess(
            R"("policies": {"p": {"rules": [{"server": "s", "tool": "t", "level": "x"}]}})")) ==
        "policies.p.rules[0].level");
  CHECK(PathOfError(
            WithAccess(R"("policies": {"p": {"rules": [{"server": "s", "level": "read"}]}})")) ==
        "policies.p.rules[0].tool");
  CHECK(PathOfError(WithAccess(
            R"("policies": {"p": {"rules": [{"server": "", "tool": "t", "level": "read"}]}})")) ==
        "policies.p.rules[0].server");
  CHECK(PathOfError(WithAccess(R"("policies": {"p": {"deny": []}})")) == "policies.p.deny");
}

TEST_CASE("Permissions must name existing policies and configured keys") {
  CHECK(ErrorOf(WithAccess(R"("permissions": {"teams": {"eng": "missing"}})")) ==
        "permissions.teams.eng: names unknown policy \"missing\"");
  CHECK(ErrorOf(WithAccess(R"("policies": {"p": {}}, "permissions": {"keys": {"ghost": "p"}})")) ==
        "permissions.keys.ghost: is not a configured key");
  CHECK(PathOfError(WithAccess(R"("permissions": {"default": "all"})")) == "permissions.default");
  CHECK(PathOfError(WithAccess(R"("permissions": {"users": {}})")) == "permissions.users");
}

TEST_CASE("A key's rate_limit_rpm and rate_limits are read into config.rate_limits") {
  std::string alice_limits =
      R"(, "rate_limit_rpm": 30, "rate_limits": [{"server": "db", "tool": "q*", "rpm": 5}])";
  Config config =
      Parse(WithAccess(KeysOf(Key("alice", kAliceHash, alice_limits) + ", " + Key("bob", kBobHash))));
  REQUIRE(config.rate_limits.size() == 1);  // bob has no limits
  const policy::RateLimits& alice = config.rate_limits.at("alice");
  CHECK(alice.rpm == 30);
  REQUIRE(alice.tools.size() == 1);
  CHECK(alice.tools[0].server == "db");
  CHECK(alice.tools[0].tool == "q*");
  CHECK(alice.tools[0].rpm == 5);
  std::string tools_only = R"(, "rate_limits": [{"server": "*", "tool": "*", "rpm": 1}])";
  CHECK(Parse(WithAccess(KeysOf(Key("a", kAliceHash, tools_only)))).rate_limits.at("a").rpm == 0);
}

TEST_CASE("Rate limits are checked with their path") {
  auto path_of = [](std::string_view extra) {
    return PathOfError(WithAccess(KeysOf(Key("a", kAliceHash, extra))));
  };
  CHECK(path_of(R"(, "rate_limit_rpm": 0)") == "keys[0].rate_limit_rpm");
  CHECK(path_of(R"(, "rate_limit_rpm": -5)") == "keys[0].rate_limit_rpm");
  CHECK(path_of(R"(, "rate_limit_rpm": 1.5)") == "keys[0].rate_limit_rpm");
  CHECK(path_of(R"(, "rate_limit_rpm": "60")") == "keys[0].rate_limit_rpm");
  CHECK(path_of(R"(, "rate_limits": {})") == "keys[0].rate_limits");
  CHECK(path_of(R"(, "rate_limits": [1])") == "keys[0].rate_limits[0]");
  CHECK(path_of(R"(, "rate_limits": [{"server": "s", "tool": "t"}])") ==
        "keys[0].rate_limits[0].rpm");
  CHECK(path_of(R"(, "rate_limits": [{"server": "", "tool": "t", "rpm": 1}])") ==
        "keys[0].rate_limits[0].server");
  CHECK(path_of(R"(, "rate_limits": [{"server": "s", "tool": "t", "rpm": 0}])") ==
        "keys[0].rate_limits[0].rpm");
  CHECK(path_of(R"(, "rate_limits": [{"server": "s", "tool": "t", "rpm": 1, "x": 1}])") ==
        "keys[0].rate_limits[0].x");
  CHECK(ErrorOf(WithAccess(KeysOf(Key("a", kAliceHash, R"(, "rate_limit_rpm": 0)")))) ==
        "keys[0].rate_limit_rpm: must be a positive integer");
}

}  // namespace
}  // namespace mcpgw::proxy
