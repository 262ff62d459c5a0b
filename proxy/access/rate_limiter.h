#pragma once

#include "policy/rate_limits.h"
#include "policy/token_bucket.h"
#include "protocol/status.h"
#include "proxy/routing/catalog.h"

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace mcpgw::proxy {

// The token buckets of every key with rate limits (README "Rate limits"): one per key over all
// its calls, and one per (key, server, item) that a "rate_limits" entry of the key matches.
// Buckets are made on first use and shared by all the key's sessions. Borrows the limits,
// which must outlive it. Any thread; mutex_ guards buckets_.
class RateLimiter {
 public:
  explicit RateLimiter(const std::map<std::string, policy::RateLimits, std::less<>>& limits);

  // Takes a token from each bucket that applies to `principal` (a key name; empty for the
  // anonymous principal, who has no limit) calling the routed item at `now`, and returns Ok.
  // When any of them is empty, takes none and fails kRateLimited "Rate limit exceeded" with
  // detail {retry_after_ms}: the longest wait among the empty buckets.
  protocol::Status Acquire(const std::string& principal, const Route& route,
                           policy::TokenBucket::TimePoint now = std::chrono::steady_clock::now());

 private:
  // (key name, server, item); the key's own bucket has an empty server and item.
  using BucketId = std::tuple<std::string, std::string, std::string>;

  policy::TokenBucket& BucketFor(const BucketId& id, int rpm, policy::TokenBucket::TimePoint now);

  const std::map<std::string, policy::RateLimits, std::less<>>& limits_;
  std::mutex mutex_;
  std::map<BucketId, policy::TokenBucket> buckets_;  // guarded by mutex_
};

}  // namespace mcpgw::proxy
