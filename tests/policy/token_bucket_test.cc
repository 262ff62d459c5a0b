#include "policy/token_bucket.h"

#include <doctest/doctest.h>

namespace mcpgw::policy {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TokenBucket::TimePoint kStart{seconds(1000)};

}  // namespace

TEST_CASE("A new bucket allows a burst of rpm calls, then refuses") {
  TokenBucket bucket(3, kStart);
  CHECK(bucket.TryTake(kStart));
  CHECK(bucket.TryTake(kStart));
  CHECK(bucket.TryTake(kStart));
  CHECK_FALSE(bucket.TryTake(kStart));
  CHECK_FALSE(bucket.HasToken(kStart));
}

TEST_CASE("A bucket refills rpm/60 tokens per second") {
  TokenBucket bucket(60, kStart);  // one token a second
  for (int i = 0; i < 60; ++i) REQUIRE(bucket.TryTake(kStart));
  CHECK_FALSE(bucket.TryTake(kStart + milliseconds(999)));
  CHECK(bucket.TryTake(kStart + milliseconds(1000)));
  CHECK_FALSE(bucket.TryTake(kStart + milliseconds(1000)));
  CHECK(bucket.TryTake(kStart + milliseconds(3000)));
  CHECK(bucket.TryTake(kStart + milliseconds(3000)));
  CHECK_FALSE(bucket.TryTake(kStart + milliseconds(3000)));
}

TEST_CASE("A bucket never holds more than its capacity") {
  TokenBucket bucket(2, kStart);
  CHECK(bucket.TryTake(kStart));
  const auto later = kStart + std::chrono::hours(5);
  CHECK(bucket.TryTake(later));
  CHECK(bucket.TryTake(later));
  CHECK_FALSE(bucket.TryTake(later));
}

TEST_CASE("A time earlier than the last one adds nothing") {
  TokenBucket bucket(1, kStart);
  CHECK(bucket.TryTake(kStart));
  CHECK_FALSE(bucket.TryTake(kStart - seconds(120)));
  CHECK_FALSE(bucket.TryTake(kStart + seconds(59)));
  CHECK(bucket.TryTake(kStart + seconds(60)));
}

TEST_CASE("RetryAfter is zero with a token, else the time to the next one rounded up") {
  TokenBucket bucket(3, kStart);  // a token every 20 s
  CHECK(bucket.RetryAfter() == milliseconds(0));
  for (int i = 0; i < 3; ++i) REQUIRE(bucket.TryTake(kStart));
  CHECK(bucket.RetryAfter() == milliseconds(20000));
  CHECK_FALSE(bucket.TryTake(kStart + milliseconds(5000)));
  CHECK(bucket.RetryAfter() == milliseconds(15000));
  CHECK_FALSE(bucket.TryTake(kStart + std::chrono::microseconds(5000500)));
  CHECK(bucket.RetryAfter() == milliseconds(15000));  // 14999.5 ms, rounded up
}

}  // namespace mcpgw::policy
