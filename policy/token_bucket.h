#pragma once

#include <chrono>

namespace mcpgw::policy {

// The arithmetic of one token bucket (README "Rate limits"): it holds up to `rpm` tokens, starts
// full and refills at rpm/60 tokens per second. Pure: the caller passes the time, so the bucket
// never reads a clock. Not thread-safe; whoever shares one guards it.
class TokenBucket {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A full bucket of `rpm` (> 0) tokens at `now`.
  TokenBucket(int rpm, TimePoint now);

  // Refills for the time since the last call (never past the capacity; a `now` earlier than
  // the last one adds nothing), then takes one token. Returns whether there was one; when not,
  // nothing is taken.
  bool TryTake(TimePoint now);

  // How long from the last `now` until one token is there: zero when one is there already,
  // else rounded up to the next millisecond.
  std::chrono::milliseconds RetryAfter() const;

  // Refills like TryTake and returns whether a token is there, without taking it.
  bool HasToken(TimePoint now);

 private:
  void Refill(TimePoint now);

  double capacity_;
  double tokens_;
  double per_second_;
  TimePoint last_;
};

}  // namespace mcpgw::policy
