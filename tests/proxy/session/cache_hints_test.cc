#include "proxy/session/cache_hints.h"

#include <doctest/doctest.h>

#include <memory>

namespace mcpgw::proxy {
namespace {

using policy::Level;
using protocol::Json;

// A server offering one tool, with the given tools/list caching hint (0: none, as a legacy one).
std::shared_ptr<upstream::Offer> ToolServer(std::int64_t ttl_ms) {
  auto offer = std::make_shared<upstream::Offer>();
  offer->capabilities = {{"tools", Json::object()}};
  offer->tools.push_back({{"name", "echo"}, {"inputSchema", {{"type", "object"}}}});
  offer->tools_ttl_ms = ttl_ms;
  offer->discover_ttl_ms = ttl_ms;
  return offer;
}

policy::Permissions Open() {
  policy::Permissions open;
  open.default_level = Level::kExecute;
  return open;
}

}  // namespace

TEST_CASE("A merged list is fresh no longer than the shortest hint of the servers serving it") {
  Catalog catalog({});
  const policy::Permissions open = Open();  // Access keeps a reference
  const Access anyone(open, {});
  CHECK(ListHints(catalog, CatalogList::kTools, anyone).ttl_ms == 0);  // nobody serves it yet
  (void)catalog.Update("a", ToolServer(60000));
  (void)catalog.Update("b", ToolServer(30000));
  const std::int64_t fresh = ListHints(catalog, CatalogList::kTools, anyone).ttl_ms;
  CHECK(fresh <= 30000);
  CHECK(fresh > 25000);
  CHECK(DiscoverHints(catalog, anyone).ttl_ms <= 30000);
  // A server without prompts has no say on the prompts list; none serves it: stale at once.
  CHECK(ListHints(catalog, CatalogList::kPrompts, anyone).ttl_ms == 0);
  // One server that gave no hint (a legacy one) makes the merged list stale at once.
  (void)catalog.Update("legacy", ToolServer(0));
  CHECK(ListHints(catalog, CatalogList::kTools, anyone).ttl_ms == 0);
  CHECK(DiscoverHints(catalog, anyone).ttl_ms == 0);
}

TEST_CASE("A result is public only when no policy exists and the caller is anonymous") {
  Catalog catalog({});
  const policy::Permissions open = Open();
  CHECK(ListHints(catalog, CatalogList::kTools, Access(open, {})).shared);
  // A key's view may be its own: private, even with no policy written for it.
  CHECK_FALSE(ListHints(catalog, CatalogList::kTools, Access(open, {"ci", "", ""})).shared);
  policy::Permissions with_policy = open;
  with_policy.policies["p"] = {Level::kExecute, {}};
  with_policy.key_policies["ci"] = "p";
  CHECK_FALSE(ListHints(catalog, CatalogList::kTools, Access(with_policy, {})).shared);
  policy::Permissions denying = open;
  denying.default_level = Level::kDeny;
  CHECK_FALSE(DiscoverHints(catalog, Access(denying, {})).shared);
}

TEST_CASE("resources/read keeps the upstream's hints, never negative, never more public") {
  const policy::Permissions open = Open();
  const Access anyone(open, {});
  const Access keyed(open, {"ci", "", ""});
  CacheHints hints = ReadHints({{"contents", Json::array()}}, anyone);  // a legacy upstream
  CHECK(hints.ttl_ms == 0);
  CHECK_FALSE(hints.shared);
  hints = ReadHints({{"ttlMs", 5000}, {"cacheScope", "public"}}, anyone);
  CHECK(hints.ttl_ms == 5000);
  CHECK(hints.shared);
  CHECK_FALSE(ReadHints({{"ttlMs", 5000}, {"cacheScope", "public"}}, keyed).shared);
  CHECK_FALSE(ReadHints({{"ttlMs", 5000}, {"cacheScope", "private"}}, anyone).shared);
  CHECK(ReadHints({{"ttlMs", -3}}, anyone).ttl_ms == 0);
  CHECK(ReadHints({{"ttlMs", "9"}}, anyone).ttl_ms == 0);
}

TEST_CASE("A retried request is told apart by inputResponses or requestState") {
  CHECK(IsRetry({{"uri", "file:///a"}, {"inputResponses", Json::object()}}));
  CHECK(IsRetry({{"requestState", "abc"}}));
  CHECK_FALSE(IsRetry({{"uri", "file:///a"}}));
  Json result = {{"contents", Json::array()}};
  AddCacheHints(result, kRetryHints);
  CHECK(result["ttlMs"] == 0);
  CHECK(result["cacheScope"] == "private");
}

}  // namespace mcpgw::proxy
