#include "proxy/http/ended_sessions.h"

#include <doctest/doctest.h>

#include <string>

namespace mcpgw::proxy {
namespace {

constexpr std::int64_t kNow = 1700000000;

SessionClaims Claims(std::string sid, std::string principal, std::int64_t issued_at) {
  return {std::move(sid), "2025-06-18", std::move(principal), issued_at, issued_at + 3600};
}

}  // namespace

TEST_CASE("EndedSessions refuses an ended id until its token expires") {
  EndedSessions ended(16);
  const SessionClaims gone = Claims("gone", "anonymous", kNow);
  ended.Add(gone, kNow);
  CHECK(ended.Refuses(gone));
  CHECK_FALSE(ended.Refuses(Claims("live", "anonymous", kNow)));
  ended.Add(Claims("later", "anonymous", kNow + 3600), kNow + 3600);  // gone has expired
  CHECK(ended.size() == 1);
}

TEST_CASE("EndedSessions past its capacity still refuses every ended id") {
  EndedSessions ended(8);
  const SessionClaims first = Claims("first", "flooder", kNow);
  ended.Add(first, kNow);
  for (int i = 0; i < 200000; ++i) {  // more than any fixed memory of ended ids would hold
    ended.Add(Claims("s" + std::to_string(i), "flooder", kNow + 1 + i / 1000), kNow + 1);
  }
  CHECK(ended.size() == 8);
  CHECK(ended.Refuses(first));
  // The price: the flooder's older sessions end with it, never a later one or another caller's.
  CHECK(ended.Refuses(Claims("older", "flooder", kNow)));
  CHECK_FALSE(ended.Refuses(Claims("newer", "flooder", kNow + 1000)));
  CHECK_FALSE(ended.Refuses(Claims("other", "bystander", kNow)));
}

TEST_CASE("EndedSessions makes room from the principal that ended the most") {
  EndedSessions ended(4);
  const SessionClaims mine = Claims("mine", "bystander", kNow - 10);
  ended.Add(mine, kNow);
  for (int i = 0; i < 10; ++i) ended.Add(Claims("f" + std::to_string(i), "flooder", kNow), kNow);
  CHECK(ended.Refuses(mine));
  CHECK_FALSE(ended.Refuses(Claims("still-live", "bystander", kNow - 20)));
}

}  // namespace mcpgw::proxy
