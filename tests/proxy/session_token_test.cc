#include "proxy/session_token.h"

#include <doctest/doctest.h>

namespace mcpgw::proxy {
namespace {

const SessionClaims kClaims{"abc123", "2025-06-18", "anonymous", 1700000000};

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
}

TEST_CASE("SessionTokens rejects a token signed with another secret") {
  std::string token = SessionTokens("secret-one").Issue(kClaims);
  CHECK_FALSE(SessionTokens("secret-two").Verify(token).ok());
}

TEST_CASE("SessionTokens rejects a tampered payload or signature") {
  SessionTokens tokens("secret-one");
  std::string token = tokens.Issue(kClaims);
  std::string other = tokens.Issue({"zzz999", "2025-06-18", "anonymous", 1700000000});
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
