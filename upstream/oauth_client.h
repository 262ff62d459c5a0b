#pragma once

#include "protocol/status.h"
#include "upstream/server_config.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

namespace mcpgw::upstream {

// OAuth 2.0 client credentials grant (RFC 6749 §4.4) for one upstream: fetches an access token
// from auth.token_url (client authentication by HTTP Basic, §2.3.1; scope and audience in the
// form when configured), caches it until shortly before it expires, and shares one fetch among
// concurrent callers. Thread-safe.
class OAuthClient {
 public:
  // Copies what it needs from config (auth, tls_verify, ca_file, name).
  explicit OAuthClient(const ServerConfig& config);

  // A token valid for at least the safety margin: the cached one, or a fresh one. When a fetch
  // is under way, waits for it and shares its outcome. Fails with kUnavailable when the token
  // endpoint cannot be reached or refuses; the message never holds a secret. Any thread.
  protocol::Result<std::string> AccessToken();

  // A request with token got 401: drop it if it is still the cached one, so the next
  // AccessToken() fetches anew. Any thread.
  void Invalidate(const std::string& token);

  // How many token fetches were made (tests and logs).
  std::uint64_t fetch_count() const;

 private:
  struct Fetched {
    std::string token;
    std::chrono::steady_clock::time_point refresh_at;  // time_point::max() when no expires_in
  };
  protocol::Result<Fetched> Fetch() const;
  protocol::Result<Fetched> ReadTokenResponse(int status, const std::string& body) const;
  bool CachedIsFresh() const;

  const ServerConfig config_;
  mutable std::mutex mutex_;  // guards the fields below
  std::condition_variable fetched_;
  bool fetching_ = false;
  std::uint64_t generation_ = 0;  // fetches completed
  protocol::Status last_error_;   // of the last completed fetch
  std::string token_;
  std::chrono::steady_clock::time_point refresh_at_{};
};

}  // namespace mcpgw::upstream
