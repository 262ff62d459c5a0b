#include "proxy/access/rate_limiter.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

using std::chrono::seconds;
using protocol::StatusCode;

const policy::TokenBucket::TimePoint kStart{seconds(1000)};

}  // namespace

TEST_CASE("A key's limit covers all its calls; the anonymous principal and others are free") {
  std::map<std::string, policy::RateLimits, std::less<>> limits = {{"ci", {2, {}}}};
  RateLimiter limiter(limits);
  CHECK(limiter.Acquire("ci", {"db", "query"}, kStart).ok());
  CHECK(limiter.Acquire("ci", {"fs", "read"}, kStart).ok());
  protocol::Status refused = limiter.Acquire("ci", {"db", "other"}, kStart);
  CHECK(refused.code() == StatusCode::kRateLimited);
  CHECK(refused.message() == "Rate limit exceeded");
  CHECK(refused.detail()["retry_after_ms"] == 30000);
  for (int i = 0; i < 10; ++i) {
    CHECK(limiter.Acquire("", {"db", "query"}, kStart).ok());
    CHECK(limiter.Acquire("alice", {"db", "query"}, kStart).ok());
  }
  CHECK(limiter.Acquire("ci", {"db", "query"}, kStart + seconds(30)).ok());
}

TEST_CASE("A per-tool limit gives each matching item its own bucket, and a refusal takes nothing") {
  std::map<std::string, policy::RateLimits, std::less<>> limits = {
      {"ci", {3, {{"db", "q*", 1}, {"*", "*", 60}}}}};
  RateLimiter limiter(limits);
  CHECK(limiter.Acquire("ci", {"db", "query"}, kStart).ok());
  protocol::Status refused = limiter.Acquire("ci", {"db", "query"}, kStart);
  CHECK(refused.code() == StatusCode::kRateLimited);
  CHECK(refused.detail()["retry_after_ms"] == 60000);
  // The refused call took no token from the key's bucket: two are left.
  CHECK(limiter.Acquire("ci", {"db", "quit"}, kStart).ok());
  CHECK(limiter.Acquire("ci", {"db", "insert"}, kStart).ok());
  refused = limiter.Acquire("ci", {"db", "insert"}, kStart);
  CHECK(refused.detail()["retry_after_ms"] == 20000);  // the key's bucket, 3 rpm
}

}  // namespace mcpgw::proxy
