#include "proxy/access/caller.h"

#include "policy/key_hash.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

using protocol::StatusCode;

const std::vector<policy::KeyEntry> kKeys = {
    {"alice", policy::HashKey("alice-key"), "eng", "acme"}};

TEST_CASE("IdentifyCaller: no key is anonymous, a configured key is its holder") {
  auto anonymous = IdentifyCaller(kKeys, std::nullopt);
  REQUIRE(anonymous.ok());
  CHECK(anonymous->name.empty());
  auto alice = IdentifyCaller(kKeys, "alice-key");
  REQUIRE(alice.ok());
  CHECK(alice->name == "alice");
  CHECK(alice->team == "eng");
  CHECK(alice->org == "acme");
}

TEST_CASE("IdentifyCaller refuses an unknown or empty key and never names it") {
  auto wrong = IdentifyCaller(kKeys, "wrong-key");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == StatusCode::kPermissionDenied);
  CHECK(wrong.status().message() == "invalid API key");
  auto empty = IdentifyCaller(kKeys, "");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message() == "empty API key");
}

TEST_CASE("IdentifyCaller ignores any key when no keys are configured") {
  auto caller = IdentifyCaller({}, "whatever");
  REQUIRE(caller.ok());
  CHECK(caller->name.empty());
}

TEST_CASE("PresentedKey reads Bearer or X-API-Key and refuses two different keys") {
  CHECK_FALSE(PresentedKey(std::nullopt, std::nullopt)->has_value());
  CHECK(**PresentedKey("Bearer k1", std::nullopt) == "k1");
  CHECK(**PresentedKey(std::nullopt, "k2") == "k2");
  CHECK(**PresentedKey("Bearer k3", "k3") == "k3");
  CHECK(PresentedKey("Bearer k1", "k2").status().code() == StatusCode::kPermissionDenied);
  CHECK(PresentedKey("Basic k1", std::nullopt).status().code() == StatusCode::kPermissionDenied);
  CHECK(**PresentedKey("Bearer ", std::nullopt) == "");  // empty: IdentifyCaller refuses it
}

}  // namespace
}  // namespace mcpgw::proxy
