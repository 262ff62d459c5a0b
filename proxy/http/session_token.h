#pragma once

#include "protocol/status.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mcpgw::proxy {

// What a session id says about its session. The id is self-contained, so any replica that
// shares the secret can serve the session without a shared store.
struct SessionClaims {
  std::string sid;              // random, unique per session
  std::string version;          // the negotiated protocol revision
  std::string principal;        // who the session belongs to ("anonymous" until keys exist)
  std::int64_t issued_at = 0;   // seconds since the epoch
  std::int64_t expires_at = 0;  // seconds since the epoch; the token is refused from then on
};

// Issues and verifies signed session ids: base64url(JSON claims) "." base64url(HMAC-SHA256 of
// that payload under the secret). Only visible ASCII, as Mcp-Session-Id requires. Never logs
// a token or the secret. Any thread.
class SessionTokens {
 public:
  // The secret should be at least 32 random bytes; RandomSecret() makes one.
  explicit SessionTokens(std::string secret);

  // A signed id carrying the claims.
  std::string Issue(const SessionClaims& claims) const;

  // The claims of a token this secret signed. kInvalidArgument for anything else: bad shape,
  // bad base64url or JSON, a wrong signature (compared in constant time), missing claims, or
  // expired (expires_at has passed on this machine's clock).
  // A token verified before is found in a cache, since every request of a session carries it:
  // that saves the HMAC, the decoding and the parse (a fifth of an HTTP request's cost). The
  // cache compares tokens in constant time, so its timing tells nothing about a valid token.
  protocol::Result<SessionClaims> Verify(std::string_view token) const;

  // 32 random bytes from the OpenSSL CSPRNG, base64url-encoded.
  static std::string RandomSecret();
  // 16 random bytes, base64url-encoded: a fresh session's sid.
  static std::string NewSessionId();

 private:
  struct ConstantTimeEqual {
    bool operator()(std::string_view a, std::string_view b) const;
  };
  std::string Sign(std::string_view payload) const;
  protocol::Result<SessionClaims> VerifySignature(std::string_view token) const;

  std::string secret_;
  mutable std::mutex mutex_;  // guards verified_
  mutable std::unordered_map<std::string, SessionClaims, std::hash<std::string_view>,
                             ConstantTimeEqual>
      verified_;
};

}  // namespace mcpgw::proxy
