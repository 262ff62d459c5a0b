#include "policy/key_hash.h"
#include "policy/keys.h"

#include <doctest/doctest.h>

namespace mcpgw::policy {

TEST_CASE("Authenticate finds the holder of a key by its hash") {
  std::vector<KeyEntry> keys = {{"ci-bot", HashKey("secret-1"), "platform", "acme"},
                                {"alice", HashKey("secret-2"), "data", "acme"}};
  auto bot = Authenticate(keys, "secret-1");
  REQUIRE(bot.has_value());
  CHECK(bot->name == "ci-bot");
  CHECK(bot->team == "platform");
  CHECK(bot->org == "acme");
  CHECK(Authenticate(keys, "secret-2")->name == "alice");
}

TEST_CASE("Authenticate refuses an unknown, empty or near-miss key") {
  std::vector<KeyEntry> keys = {{"ci-bot", HashKey("secret-1"), "", ""}};
  CHECK_FALSE(Authenticate(keys, "secret-2").has_value());
  CHECK_FALSE(Authenticate(keys, "secret-1 ").has_value());
  CHECK_FALSE(Authenticate(keys, "").has_value());
  CHECK_FALSE(Authenticate(keys, HashKey("secret-1")).has_value());  // the hash is not the key
  CHECK_FALSE(Authenticate({}, "secret-1").has_value());
}

TEST_CASE("Identify: no key, or no keys configured, is the anonymous principal") {
  std::vector<KeyEntry> keys = {{"ci-bot", HashKey("secret-1"), "platform", "acme"}};
  std::optional<Principal> anonymous = Identify(keys, std::nullopt);
  REQUIRE(anonymous.has_value());
  CHECK(anonymous->name.empty());
  CHECK(anonymous->team.empty());
  CHECK(Identify({}, "secret-1")->name.empty());  // any key is ignored
  CHECK(Identify({}, "")->name.empty());
}

TEST_CASE("Identify: with keys configured, a presented key is its holder or nobody") {
  std::vector<KeyEntry> keys = {{"ci-bot", HashKey("secret-1"), "platform", "acme"}};
  CHECK(Identify(keys, "secret-1")->name == "ci-bot");
  CHECK_FALSE(Identify(keys, "secret-2").has_value());
  CHECK_FALSE(Identify(keys, "").has_value());  // never anonymous
}

}  // namespace mcpgw::policy
