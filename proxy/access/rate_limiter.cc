#include "proxy/access/rate_limiter.h"

#include <algorithm>
#include <vector>

namespace mcpgw::proxy {

using policy::TokenBucket;
using protocol::Status;
using protocol::StatusCode;

RateLimiter::RateLimiter(const std::map<std::string, policy::RateLimits, std::less<>>& limits)
    : limits_(limits) {}

TokenBucket& RateLimiter::BucketFor(const BucketId& id, int rpm, TokenBucket::TimePoint now) {
  return buckets_.try_emplace(id, rpm, now).first->second;
}

Status RateLimiter::Acquire(const std::string& principal, const Route& route,
                            TokenBucket::TimePoint now) {
  auto found = limits_.find(principal);
  if (found == limits_.end()) return Status::Ok();
  const policy::RateLimits& limits = found->second;
  std::lock_guard lock(mutex_);
  std::vector<TokenBucket*> buckets;
  if (limits.rpm > 0) buckets.push_back(&BucketFor({principal, "", ""}, limits.rpm, now));
  if (const policy::ToolRateLimit* tool = policy::ItemLimit(limits, route.server, route.name)) {
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
