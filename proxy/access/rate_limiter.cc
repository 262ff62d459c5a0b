#include "proxy/access/rate_limiter.h"

#include "policy/glob.h"

#include <algorithm>
#include <vector>

namespace mcpgw::proxy {

using policy::TokenBucket;
using protocol::Status;
using protocol::StatusCode;

namespace {

// The first "rate_limits" entry matching the routed item, or null.
const ToolRateLimit* ToolLimitFor(const RateLimits& limits, const Route& route) {
  for (const ToolRateLimit& limit : limits.tools) {
    if (policy::GlobMatch(limit.server, route.server) && policy::GlobMatch(limit.tool, route.name)) {
      return &limit;
    }
  }
  return nullptr;
}

}  // namespace

RateLimiter::RateLimiter(const std::map<std::string, RateLimits, std::less<>>& limits)
    : limits_(limits) {}

TokenBucket& RateLimiter::BucketFor(const BucketId& id, int rpm, TokenBucket::TimePoint now) {
  return buckets_.try_emplace(id, rpm, now).first->second;
}

Status RateLimiter::Acquire(const std::string& principal, const Route& route,
                            TokenBucket::TimePoint now) {
  auto found = limits_.find(principal);
  if (found == limits_.end()) return Status::Ok();
  const RateLimits& limits = found->second;
  std::lock_guard lock(mutex_);
  std::vector<TokenBucket*> buckets;
  if (limits.rpm > 0) buckets.push_back(&BucketFor({principal, "", ""}, limits.rpm, now));
  if (const ToolRateLimit* tool = ToolLimitFor(limits, route)) {
    buckets.push_back(&BucketFor({principal, route.server, route.name}, tool->rpm, now));
  }
  std::chrono::milliseconds wait{0};
  for (TokenBucket* bucket : buckets) {
    if (!bucket->HasToken(now)) wait = std::max(wait, bucket->RetryAfter());
  }
  if (wait.count() > 0) {
    return {StatusCode::kRateLimited, "Rate limit exceeded", {{"retry_after_ms", wait.count()}}};
  }
  for (TokenBucket* bucket : buckets) bucket->TryTake(now);
  return Status::Ok();
}

}  // namespace mcpgw::proxy
