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

}  // namespace mcpgw::policy
