#include "policy/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace mcpgw::policy {

TokenBucket::TokenBucket(int rpm, TimePoint now)
    : capacity_(rpm), tokens_(rpm), per_second_(rpm / 60.0), last_(now) {}

void TokenBucket::Refill(TimePoint now) {
  if (now <= last_) return;
  double seconds = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(capacity_, tokens_ + seconds * per_second_);
  last_ = now;
}

bool TokenBucket::HasToken(TimePoint now) {
  Refill(now);
  return tokens_ >= 1.0;
}

bool TokenBucket::TryTake(TimePoint now) {
  if (!HasToken(now)) return false;
  tokens_ -= 1.0;
  return true;
}

std::chrono::milliseconds TokenBucket::RetryAfter() const {
  if (tokens_ >= 1.0) return std::chrono::milliseconds(0);
  double ms = (1.0 - tokens_) / per_second_ * 1000.0;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(ms)));
}

}  // namespace mcpgw::policy
