#include "proxy/http/session_token.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

namespace mcpgw::proxy {
namespace {

constexpr std::int64_t kFarFuture = 4102444800;  // 2100-01-01
const SessionClaims kClaims{"abc123", "2025-06-18", "anonymous", 1700000000, kFarFuture};

TEST_CASE("SessionTokens verifies the claims of a token it issued") {
  SessionTokens tokens("secret-one");
  std::string token = tokens.Issue(kClaims);
  for (char c : token) CHECK((c >= 0x21 && c <= 0x7e));
  protocol::Result<SessionClaims> claims = tokens.Verify(token);
  REQUIRE(claims.ok());
  CHECK(claims->sid == "abc123");
  CHECK(claims->version == "2025-06-18");
  CHECK(claims->principal == "anonymous");
  CHECK(claims->issued_at == 1700000000);
  CHECK(claims->expires_at == kFarFuture);
}

TEST_CASE("SessionTokens refuses an expired token, also one it verified before") {
  SessionTokens tokens("secret-one");
  SessionClaims past = kClaims;
  past.expires_at = 1700000001;
  CHECK_FALSE(tokens.Verify(tokens.Issue(past)).ok());
  using namespace std::chrono;
  SessionClaims soon = kClaims;
  soon.expires_at = duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 1;
  std::string token = tokens.Issue(soon);
  REQUIRE(tokens.Verify(token).ok());  // now cached
  std::this_thread::sleep_for(seconds(2));
  protocol::Result<SessionClaims> late = tokens.Verify(token);
  REQUIRE_FALSE(late.ok());
  CHECK(late.status().message().find("expired") != std::string::npos);
}

TEST_CASE("SessionTokens rejects a token signed with another secret") {
  std::string token = SessionTokens("secret-one").Issue(kClaims);
  CHECK_FALSE(SessionTokens("secret-two").Verify(token).ok());
}

TEST_CASE("SessionTokens rejects a tampered payload or signature") {
  SessionTokens tokens("secret-one");
  std::string token = tokens.Issue(kClaims);
  std::string other = tokens.Issue({"zzz999", "2025-06-18", "anonymous", 1700000000, kFarFuture});
  std::size_t dot = token.find('.');
  // Someone else's payload under this token's signature, and the reverse.
  CHECK_FALSE(tokens.Verify(other.substr(0, other.find('.')) + token.substr(dot)).ok());
  std::string flipped = token;
  flipped[dot + 3] = flipped[dot + 3] == 'A' ? 'B' : 'A';
  CHECK_FALSE(tokens.Verify(flipped).ok());
  CHECK_FALSE(tokens.Verify(token.substr(0, dot)).ok());
  CHECK_FALSE(tokens.Verify(token + "!").ok());
  CHECK_FALSE(tokens.Verify("").ok());
}

TEST_CASE("SessionTokens makes distinct random secrets and session ids") {
  CHECK(SessionTokens::RandomSecret() != SessionTokens::RandomSecret());
  CHECK(SessionTokens::NewSessionId().size() == 22);
  CHECK(SessionTokens::NewSessionId() != SessionTokens::NewSessionId());
}

}  // namespace
}  // namespace mcpgw::proxy
