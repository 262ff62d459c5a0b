#pragma once

#include "protocol/status.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::proxy {

// What a requestState the gateway gave a modern client says (README "Input required"). The
// client only echoes it back; the gateway trusts it only once its MAC verifies.
struct RequestStateClaims {
  std::string principal;      // whom it was issued to
  std::string method;         // the request it answered: tools/call, prompts/get, resources/read
  std::string params_digest;  // RequestStates::Digest of that request
  std::int64_t expires_at = 0;  // milliseconds since the epoch; refused from then on
  // Exactly one of: the call held on the replica that issued it (a legacy upstream), or the
  // server whose own input_required it wraps (a modern upstream) with that server's own state.
  std::string held_call{};
  std::string server{};
  std::optional<std::string> upstream_state{};
};

// Seals and opens requestState: base64url(JSON claims) "." base64url(HMAC-SHA256 of that
// payload). The key is derived from the gateway's session secret when one is configured, so every
// replica sharing it can open what another sealed; else it is 32 random bytes of this process.
// Never logs a state or the key. Any thread.
class RequestStates {
 public:
  // secret: the configured session secret; empty: a random key for this process only.
  explicit RequestStates(std::string_view secret);

  std::string Seal(const RequestStateClaims& claims) const;

  // The claims of `state` when this key sealed it, it has not expired, and it was issued to
  // `principal` for `method` with params of digest `params_digest`. Else kInvalidArgument
  // ("Invalid params: requestState ...", -32602); the MAC is compared in constant time.
  protocol::Result<RequestStateClaims> Open(std::string_view state, std::string_view principal,
                                            std::string_view method,
                                            std::string_view params_digest) const;

  // A digest of what identifies a request: the server it goes to and its params (the item's name
  // or URI and the arguments) without _meta, inputResponses and requestState. Hex SHA-256.
  static std::string Digest(std::string_view server, const protocol::Json& params);

  // Milliseconds since the epoch `ttl` from now: an expires_at.
  static std::int64_t ExpiresIn(std::chrono::milliseconds ttl);

 private:
  std::string Mac(std::string_view payload) const;

  std::string key_;  // 32 bytes
};

}  // namespace mcpgw::proxy
