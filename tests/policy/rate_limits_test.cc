#include "policy/rate_limits.h"

#include <doctest/doctest.h>

namespace mcpgw::policy {

TEST_CASE("ItemLimit is the first entry whose server and tool globs both match") {
  const RateLimits limits = {100, {{"db", "q*", 1}, {"*", "query", 2}, {"d?", "*", 3}}};
  CHECK(ItemLimit(limits, "db", "query")->rpm == 1);
  CHECK(ItemLimit(limits, "web", "query")->rpm == 2);
  CHECK(ItemLimit(limits, "db", "insert")->rpm == 3);
  CHECK(ItemLimit(limits, "dbx", "insert") == nullptr);
  CHECK(ItemLimit(limits, "db", "query") == &limits.tools[0]);
}

TEST_CASE("ItemLimit finds nothing in a key with only an overall limit") {
  CHECK(ItemLimit(RateLimits{5, {}}, "db", "query") == nullptr);
}

}  // namespace mcpgw::policy
